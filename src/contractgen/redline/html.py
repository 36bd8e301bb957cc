"""The HTML output: one self-contained page a lawyer reads in a browser.

At the top a summary table (counts by kind of change) and the change list, each change linked to
its details and, from there, to its place in the document; then the redline of the whole document:
deletions struck through in red, insertions underlined in blue, moved units marked where they were
and where they went. Inline CSS only, no scripts, no external resources; all text escaped.
"""

from __future__ import annotations

from html import escape

from ..diff import Block, Change, ChangeSet, Segment

KIND_NAMES = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动", "metadata": "属性变更"}
UNIT_NAMES = {"article": "条", "clause": "款", "annex": "附件", "title": "标题", "meta": "合同信息",
              "parties": "当事人", "preamble": "鉴于条款", "variable": "变量", "industry": "行业",
              "library": "条款库", "contract": "合同"}

CSS = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;max-width:58em;margin:2em auto;
padding:0 1.5em;line-height:1.8;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.15em .6em;text-align:left;
vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}
del{color:#c00;text-decoration:line-through}ins{color:#0645ad;text-decoration:underline}
.doc p{margin:.3em 0}.doc .title{text-align:center;font-size:1.4em;font-weight:bold}
.doc .heading,.doc .annex{font-weight:bold;margin-top:1em}.doc .section{font-weight:bold}
.doc .body,.doc .clause,.doc .item{text-indent:2em}
.doc p.deleted{color:#c00;text-decoration:line-through}.doc p.inserted{color:#0645ad;text-decoration:underline}
.num{margin-right:.5em}.value{background:#fff7d6}.clause-title{font-weight:bold}
.badge{display:inline-block;font-size:.75em;text-indent:0;padding:0 .4em;margin-right:.4em;border-radius:.3em;
color:#fff;background:#7a4fa0;text-decoration:none}
.kind-added{color:#0645ad}.kind-removed{color:#c00}.kind-modified{color:#a60}.kind-moved{color:#7a4fa0}
.change{margin:.6em 0;padding:.3em .8em;border-left:3px solid #ccc}.change .edits{margin:.2em 0 .2em 1em}
.muted{color:#777}
"""


def render(changes: ChangeSet) -> str:
    """The page."""
    e = escape
    out = [
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
        f"<title>修订对照：{e(changes.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        f"<h1>修订对照：{e(changes.title)}</h1>\n",
        f'<p class="muted">原版本（OLD）：{e(changes.old_label)}<br>新版本（NEW）：{e(changes.new_label)}</p>\n',
        _summary(changes),
        _change_list(changes),
        _details(changes),
        _values(changes),
        '<h2 id="document">全文修订稿</h2>\n<div class="doc">\n',
        *_document(changes),
        "</div>\n</body>\n</html>\n",
    ]
    return "".join(out)


def _summary(changes: ChangeSet) -> str:
    s = changes.summary
    rows = [(KIND_NAMES[k], getattr(s, k)) for k in ("added", "removed", "modified", "moved", "metadata")]
    rows += [("取值变更", s.values), ("仅编号变化", s.renumbered), ("未变", s.unchanged),
             ("修订（插入）", s.inserted_revisions), ("修订（删除）", s.deleted_revisions), ("修订合计", s.revisions)]
    body = "".join(f"<tr><th>{escape(name)}</th><td class=\"n\">{count}</td></tr>" for name, count in rows)
    verdict = "两个版本相同。" if changes.same else "两个版本不同。"
    return f'<h2>概要</h2>\n<p>{verdict}</p>\n<table class="summary">{body}</table>\n'


def _change_list(changes: ChangeSet) -> str:
    if not changes.changes:
        return ""
    rows = []
    for c in changes.changes:
        numbers = _numbers(c)
        rows.append(f'<tr><td class="n"><a href="#{c.anchor}">{c.index + 1}</a></td>'
                    f'<td class="kind-{c.kind}">{KIND_NAMES[c.kind]}{"（已移动）" if c.moved and c.kind != "moved" else ""}'
                    f'</td><td>{escape(UNIT_NAMES.get(c.unit, c.unit))}</td><td>{escape(numbers)}</td>'
                    f'<td><a href="#{c.anchor}">{escape(c.title)}</a></td><td class="muted">{escape(c.id)}</td></tr>')
    return ("<h2>变更清单</h2>\n<table><tr><th>#</th><th>类型</th><th>单元</th><th>编号</th><th>标题</th><th>ID</th></tr>"
            + "".join(rows) + "</table>\n")


def _numbers(c: Change) -> str:
    if c.old_number and c.new_number and c.old_number != c.new_number:
        return f"{c.old_number} → {c.new_number}"
    return c.new_number or c.old_number


def _details(changes: ChangeSet) -> str:
    if not changes.changes:
        return ""
    in_document = {b.change for b in changes.blocks if b.change >= 0}
    out = ["<h2>变更详情</h2>\n"]
    for c in changes.changes:
        out.append(f'<div class="change" id="{c.anchor}"><strong class="kind-{c.kind}">{c.index + 1}. '
                   f'{KIND_NAMES[c.kind]}</strong> {escape(UNIT_NAMES.get(c.unit, c.unit))} {escape(_numbers(c))} '
                   f'{escape(c.title)} <span class="muted">{escape(c.id)}</span>')
        if c.index in in_document:
            out.append(f' <a href="#doc-{c.anchor}">在文中查看</a>')
        if c.moved:
            out.append(f"<div>位置：{escape(c.old_number or c.old_id)} → {escape(c.new_number or c.id)}</div>")
        if c.edits:
            out.append('<div class="edits">')
            out += [f"<div>{_segments((Segment('delete', x.deleted), Segment('insert', x.inserted)))}</div>"
                    for x in c.edits]
            out.append("</div>")
        for v in c.values:
            out.append(f"<div>取值 {escape(v.name)}：<del>{escape(v.old)}</del> → <ins>{escape(v.new)}</ins></div>")
        for m in c.meta:
            out.append(f"<div>{escape(m.field)}：<del>{escape(m.old)}</del> → <ins>{escape(m.new)}</ins></div>")
        out.append("</div>\n")
    return "".join(out)


def _values(changes: ChangeSet) -> str:
    if not changes.values:
        return ""
    rows = "".join(f"<tr><td>{escape(v.name)}</td><td><del>{escape(v.old)}</del></td><td><ins>{escape(v.new)}</ins></td></tr>"
                   for v in changes.values)
    return f"<h2>取值变更</h2>\n<table><tr><th>变量</th><th>原值</th><th>新值</th></tr>{rows}</table>\n"


def _segments(segments: tuple[Segment, ...] | list[Segment], whole: bool = False) -> str:
    parts = []
    for seg in segments:
        if not seg.text:
            continue
        text = escape(seg.text)
        if seg.style == "value" or seg.style == "blank":
            text = f'<span class="value">{text}</span>'
        elif seg.style == "title":
            text = f'<span class="clause-title">{text}</span>'
        if whole or seg.op == "equal":
            parts.append(text)
        elif seg.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(f"<ins>{text}</ins>")
    return "".join(parts)


def _document(changes: ChangeSet) -> list[str]:
    out = []
    anchored: set[int] = set()
    moves = {c.index: c for c in changes.changes if c.moved}
    for block in changes.blocks:
        attrs = f' class="{block.role} {block.status}"'
        if block.change >= 0 and block.change not in anchored:
            anchored.add(block.change)
            attrs += f' id="doc-{changes.changes[block.change].anchor}"'
        badge = ""
        if block.moved and block.change in moves:
            c = moves[block.change]
            badge = (f'<span class="badge">已移至 {escape(c.new_number or c.id)}</span>' if block.moved == "from"
                     else f'<span class="badge">移自 {escape(c.old_number or c.old_id)}</span>')
        elif block.moved:
            badge = f'<span class="badge">{"已移走" if block.moved == "from" else "移入"}</span>'
        number = _number(block)
        whole = block.status in ("inserted", "deleted")
        out.append(f"<p{attrs}>{badge}{number}{_segments(block.segments, whole)}</p>\n")
    return out


def _number(block: Block) -> str:
    if block.status in ("changed", "equal") and block.old_number and block.new_number \
            and block.old_number != block.new_number:
        # Renumbering is not a change of wording: the new number, the old one for reference.
        return (f'<span class="num">{escape(block.new_number)}</span>'
                f'<span class="muted num" title="原编号">（原{escape(block.old_number)}）</span>')
    return f'<span class="num">{escape(block.number)}</span>' if block.number else ""
