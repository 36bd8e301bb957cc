"""The Markdown renderer: the contract as plain text a reviewer can read and diff in git.

Owns the Markdown layout (``#`` title, ``##`` articles, ``**3.1 标题**`` clauses, forms as tables)
and the escaping that keeps every value text: a value can never open a heading, a list, a table
cell, an HTML tag or an emphasis run. Output is deterministic and ends with one newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Annex, Article, Clause, Contract, Form, Paragraph, Party, Run
from . import RenderOptions
from ._common import (
    acknowledgement_lines,
    blank_labels,
    contract_number,
    find_annex,
    sign_place,
    signature_rows,
)

WRITE_LINE = "＿" * 36
"""An empty line to write on (补充条款): about the width of a printed line."""

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start
# inline structure (emphasis, code, links, HTML, autolinks, entities, strikethrough, table cells).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
# Line starts that would still open a block once the inline characters are escaped (quotes, ``*``
# bullets, fences and table pipes already are): a heading, a ``-``/``+`` bullet or thematic break,
# a setext underline, an ordered-list marker (``1.``/``1)`` followed by a space; ``3.1`` is not one).
_BLOCK_START = re.compile(r"^(#|[-+=]|\d{1,9}[.)](?=[ \t]|$))")
# Only line breaks are folded: U+3000 (the full-width space in ``第三条　服务评价``) is wording.
_LINE_BREAK = re.compile(r"[ \t]*[\r\n\v\f\x85\u2028\u2029]+[ \t]*")


def escape_inline(text: str) -> str:
    """Text with every character that could start inline Markdown escaped; line breaks become spaces.

    A value is one line in every renderer (HTML collapses the break too); a raw newline here could
    start a new block.
    """
    return _INLINE_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", text))


def escape_line_start(line: str) -> str:
    """Escape what would make an already inline-escaped line a block (heading, list, quote...)."""
    line = line.lstrip(" \t")  # four leading spaces would make a code block
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    token = match.group(1)
    if token[0].isdigit():
        # ``1.`` → ``1\.``: the marker is the punctuation after the digits.
        return token[:-1] + "\\" + token[-1] + line[len(token):]
    return "\\" + line


def runs_text(runs: Iterable[Run]) -> str:
    """Runs as escaped inline Markdown; a blank shows as its underlined label."""
    return "".join(escape_inline(r.text) for r in runs)


def _paragraph(p: Paragraph, bold: bool = False) -> str:
    if p.runs and p.runs[0].kind == "line":
        return WRITE_LINE
    if bold:  # a standard term: the whole paragraph in bold (``**`` at the line's start opens no block)
        return f"**{escape_inline(p.number)}{runs_text(p.runs)}**"
    return escape_line_start(escape_inline(p.number) + runs_text(p.runs))


def _numbered_head(number: str, title: str) -> str:
    head = f"{number} {title}" if title else number
    return f"**{escape_inline(head)}**"


def _clause(c: Clause) -> list[str]:
    paragraphs = list(c.paragraphs)
    if c.prominent:  # a standard term: number, title and text in one bold run, as printed
        head = escape_inline(f"{c.number} {c.title}" if c.title else c.number)
        if paragraphs and not paragraphs[0].number:
            head += " " + runs_text(paragraphs.pop(0).runs)
        return [f"**{head}**"] + [_paragraph(p, bold=True) for p in paragraphs]
    head = _numbered_head(c.number, c.title) if c.title else escape_inline(c.number)
    if paragraphs and not paragraphs[0].number:
        # The first paragraph runs on after the number, as in the printed contract.
        head += " " + runs_text(paragraphs.pop(0).runs)
    elif not c.title:
        head = _numbered_head(c.number, "")
    return [escape_line_start(head)] + [_paragraph(p) for p in paragraphs]


def _article(a: Article) -> list[str]:
    blocks = [f"## {escape_inline(a.heading)}"]
    blocks += [_paragraph(p, bold=a.prominent) for p in a.paragraphs]
    for c in a.clauses:
        blocks += _clause(c)
    return blocks


def _party(p: Party) -> str:
    lines = [f"**{escape_inline(p.designation)}（{escape_inline(p.label)}）**：{runs_text([p.name])}"]
    lines += [f"- {escape_inline(label)}：{runs_text([run])}" for label, run in p.details]
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _form(f: Form) -> list[str]:
    blocks: list[str] = []
    if f.fields:
        blocks.append(_table(["项目", "填写"], [[escape_inline(name), " "] for name in f.fields]))
    if f.groups:
        header = ["评价维度", "评价项目", *(escape_inline(s) for s in f.scale)]
        rows: list[list[str]] = []
        for g in f.groups:
            for i, item in enumerate(g.items or ("",)):
                rows.append([escape_inline(g.title) if i == 0 else " ", escape_inline(item) or " ",
                             *(["☐"] * len(f.scale))])
        blocks.append(_table(header, rows, ["---", "---", *([":-:"] * len(f.scale))]))
    blocks += [f"**{escape_inline(c)}**：" for c in f.comments]
    if f.signatures:
        blocks.append("\u3000\u3000".join(f"{escape_inline(s)}：＿＿＿＿＿＿" for s in f.signatures))
    return blocks


def _annex(a: Annex, level: str) -> list[str]:
    blocks = [f"{level} {escape_inline(a.heading)}"]
    blocks += [_paragraph(p) for p in a.intro]
    sub = level + "#"
    for s in a.sections:
        blocks.append(f"{sub} {escape_inline(s.heading)}")
        blocks += [_paragraph(p) for p in s.paragraphs]
    if a.form is not None:
        blocks += _form(a.form)
    return blocks


def _draft_notice(contract: Contract) -> str:
    labels = blank_labels(contract)
    text = "**草稿**：本文本尚未定稿，不得作为正式合同签署。"
    if labels:
        text += f"尚有 {len(labels)} 处待填写：{'、'.join(escape_inline(x) for x in labels)}。"
    return "> " + text


def _acknowledgement(contract: Contract) -> list[str]:
    if not contract.acknowledgement:
        return []
    sign = "\u3000\u3000".join(f"{escape_inline(line.label)}：{escape_inline(line.value) or '＿＿＿＿＿＿'}"
                             for line in acknowledgement_lines(contract))
    return [_paragraph(p, bold=True) for p in contract.acknowledgement] + [sign]


def _signatures(contract: Contract) -> list[str]:
    rows = signature_rows(contract)
    if not rows:
        return []
    header = [escape_inline(p.designation) for p in contract.parties]
    body = [
        [f"{escape_inline(cell.label)}：{escape_inline(cell.value)}" if cell is not None else " " for cell in row]
        for row in rows
    ]
    blocks = [_table(header, body)]
    if sign_place(contract):
        blocks.append(escape_inline(sign_place(contract)))
    return blocks


def render_markdown(contract: Contract, options: RenderOptions) -> str:
    """The contract (or one annex, or the contract with its annexes) as Markdown."""
    blocks: list[str] = []
    if contract.draft:
        blocks.append(_draft_notice(contract))
    if options.part is not None:
        annex_blocks = _annex(find_annex(contract, options.part), "#")
        of = f"《{escape_inline(contract.title)}》附件"
        if contract_number(contract):
            of += f"（{escape_inline(contract_number(contract))}）"
        blocks += [annex_blocks[0], of, *annex_blocks[1:]]
        return "\n\n".join(blocks) + "\n"
    if contract.instructions is not None:  # a blank model text's 使用说明, before the contract
        blocks.append(f"## {escape_inline(contract.instructions.heading)}")
        blocks += [_paragraph(p) for p in contract.instructions.paragraphs]
        blocks.append("---")
    blocks.append(f"# {escape_inline(contract.title)}")
    if contract_number(contract):
        blocks.append(escape_inline(contract_number(contract)))
    blocks += [_party(p) for p in contract.parties]
    blocks += [_paragraph(p) for p in contract.preamble]
    for a in contract.articles:
        blocks += _article(a)
    blocks.append("（以下无正文）")
    blocks += _acknowledgement(contract)
    blocks += _signatures(contract)
    if options.bundle:
        for annex in contract.annexes:
            blocks.append("---")
            blocks += _annex(annex, "#")
    return "\n\n".join(blocks) + "\n"


def render_markdown_bytes(contract: Contract, options: RenderOptions) -> bytes:
    """``render_markdown`` as UTF-8 bytes (the registry's Markdown renderer)."""
    return render_markdown(contract, options).encode("utf-8")
