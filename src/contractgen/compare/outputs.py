"""The outputs of ``contractgen compare``: one ``Comparison`` as text, HTML, JSON, or a DOCX redline.

The text and HTML reports put the summary on top, then every deviation in rank order with its
clause, the standard's text and theirs (the change marked inside), then the value changes, the
comments with the text they are anchored to, the formatting-only changes and the renumbering. The
DOCX is the diff's redline (``redline.docx``) of the standard into their version: real tracked
changes, accept-all gives their text, reject-all the standard. All text is escaped; the report's
own words are in ``LABELS``, the notes about their file are catalog messages (``i18n``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from html import escape
from pathlib import Path

from ..errors import UsageError
from ..i18n import msg
from ..redline.html import CSS as REDLINE_CSS
from ..redline.html import _segments
from ..redline.text import redline
from .report import CATEGORY_NAMES, KIND_NAMES, Comparison, Deviation

FORMATS: tuple[str, ...] = ("text", "html", "json", "docx")
SCHEMA = "contractgen/compare@1"

LABELS = {
    "title": "偏离报告", "standard": "标准合同", "theirs": "对方文件", "policy": "对方修订",
    "summary": "概要", "none": "对方文件与标准合同一致，没有偏离。", "some": "共 {n} 处偏离，按风险排序。",
    "deviations": "偏离清单", "values": "取值变更", "comments": "批注", "formatting": "仅格式变化",
    "renumbered": "仅编号变化", "notes": "说明", "standard_text": "标准文本", "their_text": "对方文本",
    "silent": "未留修订痕迹", "tracked": "修订人：{who}", "moved": "位置：{old} → {new}",
    "anchored": "批注所在文字", "unit": {"article": "条", "clause": "款", "parties": "当事人", "signature": "签署栏",
                                       "title": "标题", "meta": "合同信息", "preamble": "鉴于条款", "annex": "附件"},
    "policies": {"accept": "已全部接受", "reject": "已全部拒绝", "show": "按对方修订后的文本比较，并标出哪些偏离留有修订痕迹"},
}

CSS = REDLINE_CSS + """
.dev{margin:.8em 0;padding:.4em .9em;border-left:4px solid #a60}.dev h3{font-size:1em;margin:.1em 0}
.cat-standard-terms,.cat-liability,.cat-penalty,.cat-dispute,.cat-personal-information{border-left-color:#c00}
.cat-parties,.cat-signature{border-left-color:#7a4fa0}.texts{display:grid;grid-template-columns:1fr 1fr;gap:.8em}
.texts div{background:#fafafa;padding:.3em .6em;white-space:pre-wrap}.tag{font-size:.8em;color:#fff;background:#a60;
padding:0 .4em;border-radius:.3em;margin-right:.4em}.tag.high{background:#c00}.silent{color:#c00;font-weight:bold}
"""
_HIGH = {"standard-terms", "liability", "penalty", "dispute", "personal-information"}


def render(comparison: Comparison, fmt: str, *, author: str = "contractgen") -> bytes:
    """The comparison in one format."""
    if fmt == "text":
        return render_text(comparison).encode("utf-8")
    if fmt == "html":
        return render_html(comparison).encode("utf-8")
    if fmt == "json":
        return render_json(comparison).encode("utf-8")
    if fmt == "docx":
        from ..redline.docx import render_docx

        return render_docx(comparison.changes, author=author)
    raise UsageError(msg("compare.unknown-format", format=fmt, choices=FORMATS))


def _where(d: Deviation) -> str:
    unit = LABELS["unit"].get(d.unit, d.unit)
    number = d.number if d.number == d.standard_number or not d.standard_number else \
        f"{d.standard_number} → {d.number}"
    return " ".join(x for x in (number, d.title if d.title != d.id else "", f"（{unit}）") if x)


def _value_line(v) -> str:  # type: ignore[no-untyped-def]
    return f"{v.name}: {v.old or '（无）'} → {v.new or '（无）'}"


def _provenance(d: Deviation) -> str:
    return LABELS["tracked"].format(who="、".join(d.tracked_by)) if d.tracked_by else LABELS["silent"]


def notes(comparison: Comparison) -> list[str]:
    return [str(note) for note in comparison.notes]


# --- text --------------------------------------------------------------------------------------------

def render_text(c: Comparison) -> str:
    lines = [f"{LABELS['title']}：{c.title}", f"{LABELS['standard']}：{c.standard_label}",
             f"{LABELS['theirs']}：{c.their_label}（{LABELS['policy']}：{LABELS['policies'][c.policy]}）", ""]
    lines.append(LABELS["none"] if c.same else LABELS["some"].format(n=len(c.deviations)))
    for d in c.deviations:
        lines.append("")
        lines.append(f"{d.rank}. [{CATEGORY_NAMES[d.category]}] {KIND_NAMES[d.kind]} {_where(d)} — {_provenance(d)}")
        if d.kind == "value":
            lines += [f"   {_value_line(v)}" for v in d.values]
            continue
        if d.kind == "changed":
            # Each changed paragraph whole, the change marked in it: a lawyer reads an edit in context.
            lines += [f"   {redline(b.segments)}" for b in c.changes.blocks if b.change == d.change and b.status != "equal"]
            lines += [f"   {_value_line(v)}" for v in d.values]
        elif d.kind == "added":
            lines += [f"   {{+{t}+}}" for t in d.their_text.splitlines()]
        elif d.kind == "deleted":
            lines += [f"   [-{t}-]" for t in d.standard_text.splitlines()]
    if c.values:
        lines += ["", LABELS["values"]] + [f"  {_value_line(v)}" for v in c.values]
    if c.comments:
        lines += ["", LABELS["comments"]]
        for r in c.comments:
            where = " ".join(x for x in (r.number, r.title) if x)
            lines.append(f"  {r.author}（{where or '—'}）：{r.text}")
            if r.anchored:
                lines.append(f"    {LABELS['anchored']}：{r.anchored}")
    if c.formatting:
        lines += ["", LABELS["formatting"]]
        lines += [f"  {f.number or f.unit} {f.text}：{'、'.join(f.what)}" for f in c.formatting]
    if c.renumbered:
        lines += ["", LABELS["renumbered"]]
        lines += [f"  {r.id}: {r.old_number} → {r.new_number}" for r in c.renumbered]
    if c.notes:
        lines += ["", LABELS["notes"]] + [f"  {n}" for n in notes(c)]
    return "\n".join(lines) + "\n"


# --- JSON --------------------------------------------------------------------------------------------

def to_data(c: Comparison) -> dict[str, object]:
    return {
        "schema": SCHEMA, "standard": c.standard_label, "theirs": c.their_label, "title": c.title,
        "their_changes": c.policy, "same": c.same,
        "summary": {"deviations": len(c.deviations), "values": len(c.values), "comments": len(c.comments),
                    "formatting": len(c.formatting), "renumbered": len(c.renumbered),
                    "paragraphs": c.paragraphs, "placed_by_id": c.carried},
        "deviations": [{
            "rank": d.rank, "category": d.category, "kind": d.kind, "unit": d.unit, "id": d.id, "number": d.number,
            "standard_number": d.standard_number, "title": d.title, "moved": d.moved,
            "standard_text": d.standard_text, "their_text": d.their_text,
            "edits": [asdict(e) for e in d.edits], "values": [asdict(v) for v in d.values],
            "tracked_by": list(d.tracked_by)} for d in c.deviations],
        "values": [asdict(v) for v in c.values],
        "comments": [asdict(r) for r in c.comments],
        "formatting": [{**asdict(f), "what": list(f.what)} for f in c.formatting],
        "renumbered": [asdict(r) for r in c.renumbered],
        "notes": [{"code": n.code, "params": n.args, "text": str(n)} for n in c.notes],
    }


def render_json(c: Comparison) -> str:
    return json.dumps(to_data(c), ensure_ascii=False, indent=2, default=str) + "\n"


# --- HTML --------------------------------------------------------------------------------------------

def render_html(c: Comparison) -> str:
    e = escape
    out = ['<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
           f"<title>{LABELS['title']}：{e(c.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
           f"<h1>{LABELS['title']}：{e(c.title)}</h1>\n",
           f'<p class="muted">{LABELS["standard"]}：{e(c.standard_label)}<br>{LABELS["theirs"]}：{e(c.their_label)}'
           f'<br>{LABELS["policy"]}：{LABELS["policies"][c.policy]}</p>\n', _summary(c)]
    if c.deviations:
        out.append(f"<h2>{LABELS['deviations']}</h2>\n")
        out += [_deviation(d, c) for d in c.deviations]
    if c.values:
        rows = "".join(f"<tr><td>{e(v.name)}</td><td><del>{e(v.old)}</del></td><td><ins>{e(v.new)}</ins></td></tr>"
                       for v in c.values)
        out.append(f"<h2>{LABELS['values']}</h2>\n<table><tr><th>变量</th><th>标准</th><th>对方</th></tr>{rows}</table>\n")
    if c.comments:
        rows = "".join(f"<tr><td>{e(r.author)}</td><td>{e(' '.join(x for x in (r.number, r.title) if x))}</td>"
                       f"<td>{e(r.text)}</td><td>{e(r.anchored)}</td></tr>" for r in c.comments)
        out.append(f"<h2>{LABELS['comments']}</h2>\n<table><tr><th>批注人</th><th>位置</th><th>批注</th>"
                   f"<th>{LABELS['anchored']}</th></tr>{rows}</table>\n")
    if c.formatting:
        rows = "".join(f"<tr><td>{e(f.number or f.unit)}</td><td>{e(f.text)}</td><td>{e('、'.join(f.what))}</td></tr>"
                       for f in c.formatting)
        out.append(f"<h2>{LABELS['formatting']}</h2>\n<table><tr><th>位置</th><th>段落</th><th>变化</th></tr>{rows}</table>\n")
    if c.renumbered:
        rows = "".join(f"<tr><td>{e(r.id)}</td><td>{e(r.old_number)} → {e(r.new_number)}</td></tr>" for r in c.renumbered)
        out.append(f"<h2>{LABELS['renumbered']}</h2>\n<table>{rows}</table>\n")
    if c.notes:
        out.append(f"<h2>{LABELS['notes']}</h2>\n<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes(c)) + "</ul>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


def _summary(c: Comparison) -> str:
    counts: dict[str, int] = {}
    for d in c.deviations:
        counts[d.category] = counts.get(d.category, 0) + 1
    rows = "".join(f"<tr><th>{e}</th><td class=\"n\">{n}</td></tr>" for e, n in (
        *((CATEGORY_NAMES[k], counts[k]) for k in CATEGORY_NAMES if k in counts),
        (LABELS["values"], len(c.values)), (LABELS["comments"], len(c.comments)),
        (LABELS["formatting"], len(c.formatting)), (LABELS["renumbered"], len(c.renumbered))))
    verdict = LABELS["none"] if c.same else LABELS["some"].format(n=len(c.deviations))
    return f"<h2>{LABELS['summary']}</h2>\n<p><strong>{verdict}</strong></p>\n<table class=\"summary\">{rows}</table>\n"


def _deviation(d: Deviation, c: Comparison) -> str:
    e = escape
    high = " high" if d.category in _HIGH else ""
    head = (f'<div class="dev cat-{d.category}" id="deviation-{d.rank}"><h3>{d.rank}. '
            f'<span class="tag{high}">{CATEGORY_NAMES[d.category]}</span>{KIND_NAMES[d.kind]} {e(_where(d))}</h3>')
    provenance = (f'<div class="muted">{e(_provenance(d))}</div>' if d.tracked_by
                  else f'<div class="silent">{LABELS["silent"]}</div>')
    body = []
    if d.moved and d.standard_number and d.standard_number != d.number:
        body.append(f"<div>{e(LABELS['moved'].format(old=d.standard_number, new=d.number))}</div>")
    if d.values:
        body.append("<div>" + "<br>".join(f"<code>{e(v.name)}</code>：<del>{e(v.old)}</del> → <ins>{e(v.new)}</ins>"
                                          for v in d.values) + "</div>")
    if d.kind != "value":
        blocks = [b for b in c.changes.blocks if b.change == d.change and b.status != "equal"]
        marked = e(d.their_text) if d.kind == "moved" else "<br>".join(_segments(b.segments) for b in blocks) \
            or e(d.their_text)
        body.append(f'<div class="texts"><div><strong>{LABELS["standard_text"]}</strong><br>'
                    f'{e(d.standard_text) or "—"}</div><div><strong>{LABELS["their_text"]}</strong><br>{marked}</div></div>')
    return head + provenance + "".join(body) + "</div>\n"


__all__ = ["FORMATS", "LABELS", "deliver", "notes", "render", "render_html", "render_json", "render_text"]


def deliver(comparison: Comparison, fmt: str, output: Path | None, *, author: str = "contractgen",
            terminal: bool = False) -> str | None:
    """Write the output to ``output``, or return the text to print (``None`` once written); a DOCX
    goes to standard output only when that is not a terminal."""
    if output is not None:
        try:
            output.write_bytes(render(comparison, fmt, author=author))
        except OSError as exc:
            raise UsageError(msg("compare.cannot-write", path=str(output), reason=exc.strerror or str(exc))) from None
        return None
    if fmt == "docx":
        if terminal:
            raise UsageError(msg("compare.docx-to-terminal"))
        sys.stdout.buffer.write(render(comparison, fmt, author=author))
        sys.stdout.buffer.flush()
        return None
    return render(comparison, fmt, author=author).decode("utf-8")
