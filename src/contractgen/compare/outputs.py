"""The outputs of ``contractgen compare``: one ``Comparison`` as text, HTML, JSON, or a DOCX redline.

The text and HTML reports put the summary on top, then every deviation in rank order with its
clause, the standard's text and theirs (the change marked inside), then the value changes, the
comments with the text they are anchored to, the formatting-only changes and the renumbering. The
DOCX is the diff's redline (``redline.docx``) of the standard into their version: real tracked
changes, accept-all gives their text, reject-all the standard. All text is escaped. Every word of
the report is a catalog message (``compare.report.*``, ``compare.category.*``, ``compare.kind.*``,
``compare.unit.*``, ``compare.format.*``), rendered in the current language (``i18n``): Chinese
first, English on request.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path

from ..errors import UsageError
from ..i18n import language, msg, text
from ..redline.html import CSS as REDLINE_CSS
from ..redline.html import _segments
from ..redline.text import redline
from .report import CATEGORIES, Comparison, Deviation, Formatting

FORMATS: tuple[str, ...] = ("text", "html", "json", "docx")
SCHEMA = "contractgen/compare@1"



def t(key: str, **params: object) -> str:
    """One of the report's own words (``compare.report.<key>``) in the current language."""
    return text(f"compare.report.{key}", **params)


def category(key: str) -> str:
    return text(f"compare.category.{key}")


def kind(key: str) -> str:
    return text(f"compare.kind.{key}")


def unit_name(key: str) -> str:
    return text(f"compare.unit.{key}")


def formatting_words(f: Formatting) -> str:
    words = [text(f"compare.format.{key}") for key in f.what]
    if f.style:
        words.append(t("style", style=f.style, expected=f.expected_style))
    return t("list", items=tuple(words))


CSS = REDLINE_CSS + """
.dev{margin:.8em 0;padding:.4em .9em;border-left:4px solid #a60}.dev h3{font-size:1em;margin:.1em 0}
.cat-standard-terms,.cat-liability,.cat-penalty,.cat-dispute,.cat-personal-information{border-left-color:#c00}
.cat-parties,.cat-signature{border-left-color:#7a4fa0}.texts{display:grid;grid-template-columns:1fr 1fr;gap:.8em}
.texts div{background:#fafafa;padding:.3em .6em;white-space:pre-wrap}.tag{font-size:.8em;color:#fff;background:#a60;
padding:0 .4em;border-radius:.3em;margin-right:.4em}.tag.high{background:#c00}.silent{color:#c00;font-weight:bold}
"""
HIGH = frozenset({"standard-terms", "liability", "penalty", "dispute", "personal-information"})
"""The categories a lawyer reads first (marked red in the report; counted apart on the web page)."""


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
    unit = unit_name(d.unit)
    number = d.number if d.number == d.standard_number or not d.standard_number else \
        f"{d.standard_number} → {d.number}"
    return " ".join(x for x in (number, d.title if d.title != d.id else "", t("unit", unit=unit)) if x)


def _value_line(v) -> str:  # type: ignore[no-untyped-def]
    return f"{v.name}: {v.old or t('nothing')} → {v.new or t('nothing')}"


def _provenance(d: Deviation) -> str:
    return t("tracked", who=d.tracked_by) if d.tracked_by else t("silent")


def notes(comparison: Comparison) -> list[str]:
    return [str(note) for note in comparison.notes]


# --- text --------------------------------------------------------------------------------------------

def render_text(c: Comparison) -> str:
    lines = [t("heading", title=c.title), t("standard", label=c.standard_label),
             t("theirs", label=c.their_label), t("policy", policy=t(f"policy-{c.policy}")), ""]
    lines.append(t("none") if c.same else t("some", count=len(c.deviations)))
    for d in c.deviations:
        lines.append("")
        lines.append(f"{d.rank}. [{category(d.category)}] {kind(d.kind)} {_where(d)} — {_provenance(d)}")
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
        lines += ["", t("values")] + [f"  {_value_line(v)}" for v in c.values]
    if c.comments:
        lines += ["", t("comments")]
        for r in c.comments:
            where = " ".join(x for x in (r.number, r.title) if x) or "—"
            lines.append("  " + t("comment-line", author=r.author, where=where, comment=r.text))
            if r.anchored:
                lines.append("    " + t("anchored-line", text=r.anchored))
    if c.formatting:
        lines += ["", t("formatting")]
        lines += [f"  {f.number or f.unit} {f.text}: {formatting_words(f)}" for f in c.formatting]
    if c.renumbered:
        lines += ["", t("renumbered")]
        lines += [f"  {r.id}: {r.old_number} → {r.new_number}" for r in c.renumbered]
    if c.notes:
        lines += ["", t("notes")] + [f"  {n}" for n in notes(c)]
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
    lang = "zh-CN" if language() == "zh" else "en"
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
           f"<title>{e(t('heading', title=c.title))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
           f"<h1>{e(t('heading', title=c.title))}</h1>\n",
           f'<p class="muted">{e(t("standard", label=c.standard_label))}<br>{e(t("theirs", label=c.their_label))}'
           f'<br>{e(t("policy", policy=t(f"policy-{c.policy}")))}</p>\n', _summary(c)]
    if c.deviations:
        out.append(f"<h2>{t('deviations')}</h2>\n")
        out += [_deviation(d, c) for d in c.deviations]
    if c.values:
        rows = "".join(f"<tr><td>{e(v.name)}</td><td><del>{e(v.old)}</del></td><td><ins>{e(v.new)}</ins></td></tr>"
                       for v in c.values)
        out.append(_table(t("values"), (t("variable"), t("standard-column"), t("their-column")), rows))
    if c.comments:
        rows = "".join(f"<tr><td>{e(r.author)}</td><td>{e(' '.join(x for x in (r.number, r.title) if x))}</td>"
                       f"<td>{e(r.text)}</td><td>{e(r.anchored)}</td></tr>" for r in c.comments)
        out.append(_table(t("comments"), (t("author"), t("where"), t("comment"), t("anchored")), rows))
    if c.formatting:
        rows = "".join(f"<tr><td>{e(f.number or f.unit)}</td><td>{e(f.text)}</td><td>{e(formatting_words(f))}</td></tr>"
                       for f in c.formatting)
        out.append(_table(t("formatting"), (t("where"), t("paragraph"), t("change")), rows))
    if c.renumbered:
        rows = "".join(f"<tr><td>{e(r.id)}</td><td>{e(r.old_number)} → {e(r.new_number)}</td></tr>" for r in c.renumbered)
        out.append(_table(t("renumbered"), (t("unit-id"), t("numbers")), rows))
    if c.notes:
        out.append(f"<h2>{t('notes')}</h2>\n<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes(c)) + "</ul>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


def _table(heading: str, columns: tuple[str, ...], rows: str) -> str:
    head = "".join(f"<th>{escape(col)}</th>" for col in columns)
    return f"<h2>{escape(heading)}</h2>\n<table><tr>{head}</tr>{rows}</table>\n"


def _summary(c: Comparison) -> str:
    counts: dict[str, int] = {}
    for d in c.deviations:
        counts[d.category] = counts.get(d.category, 0) + 1
    rows = "".join(f"<tr><th>{escape(name)}</th><td class=\"n\">{n}</td></tr>" for name, n in (
        *((category(k), counts[k]) for k, _ in CATEGORIES if k in counts),
        (t("values"), len(c.values)), (t("comments"), len(c.comments)),
        (t("formatting"), len(c.formatting)), (t("renumbered"), len(c.renumbered))))
    verdict = t("none") if c.same else t("some", count=len(c.deviations))
    return f"<h2>{t('summary')}</h2>\n<p><strong>{verdict}</strong></p>\n<table class=\"summary\">{rows}</table>\n"


def _deviation(d: Deviation, c: Comparison) -> str:
    e = escape
    high = " high" if d.category in HIGH else ""
    head = (f'<div class="dev cat-{d.category}" id="deviation-{d.rank}"><h3>{d.rank}. '
            f'<span class="tag{high}">{e(category(d.category))}</span>{e(kind(d.kind))} {e(_where(d))}</h3>')
    provenance = (f'<div class="muted">{e(_provenance(d))}</div>' if d.tracked_by
                  else f'<div class="silent">{e(t("silent"))}</div>')
    body = []
    if d.moved and d.standard_number and d.standard_number != d.number:
        body.append(f"<div>{e(t('moved', old=d.standard_number, new=d.number))}</div>")
    if d.values:
        body.append("<div>" + "<br>".join(f"<code>{e(v.name)}</code>：<del>{e(v.old)}</del> → <ins>{e(v.new)}</ins>"
                                          for v in d.values) + "</div>")
    if d.kind != "value":
        blocks = [b for b in c.changes.blocks if b.change == d.change and b.status != "equal"]
        marked = e(d.their_text) if d.kind == "moved" else "<br>".join(_segments(b.segments) for b in blocks) \
            or e(d.their_text)
        body.append(f'<div class="texts"><div><strong>{e(t("standard-text"))}</strong><br>'
                    f'{e(d.standard_text) or "—"}</div><div><strong>{e(t("their-text"))}</strong><br>{marked}</div></div>')
    return head + provenance + "".join(body) + "</div>\n"


__all__ = ["FORMATS", "deliver", "notes", "render", "render_html", "render_json", "render_text"]


def deliver(comparison: Comparison, fmt: str, output: Path | None, *, author: str = "contractgen",
            terminal: bool = False) -> str | None:
    """Write the output to ``output``, or return the text to print (``None`` once written)."""
    from ..redline import deliver_bytes

    return deliver_bytes(lambda: render(comparison, fmt, author=author), fmt, output, terminal=terminal)
