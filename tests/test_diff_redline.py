"""The redline outputs: the DOCX's tracked changes give exactly NEW when accepted and exactly OLD
when rejected, LibreOffice sees as many revisions as the JSON says, and the HTML, JSON and text
outputs tell the same story."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contractgen.diff import ChangeSet, Doc, Para, Piece, Unit, contract_doc, diff_docs, diff_libraries, library_doc
from contractgen.redline import render
from contractgen.redline.docx import FIXED_DATE

from .test_diff_helpers import (
    MUTATIONS,
    _docx,
    _ins,
    _mark,
    _r,
    accept_all,
    document_xml,
    library,
    libreoffice_regions,
    reject_all,
    revision_ids,
    revision_stretches,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAIRS = [("original", name) for name in sorted(MUTATIONS)] + [(name, "original") for name in ("many", "new-annex")]


@cache
def library_pair(old: str, new: str) -> tuple[ChangeSet, Doc, Doc]:
    old_doc, new_doc = library_doc(library(old), old), library_doc(library(new), new)
    return diff_docs(old_doc, new_doc), old_doc, new_doc


@cache
def contract_pair(old_industry: str, new_industry: str, days: int = 15) -> tuple[ChangeSet, Doc, Doc]:
    from contractgen.compose import compose
    from contractgen.library import load_library
    from contractgen.spec import parse_spec, starter_spec

    lib = load_library()

    def contract(industry: str, evaluation_days: int):
        text = starter_spec(lib, industry, example=True).replace("evaluation_days: 15",
                                                                  f"evaluation_days: {evaluation_days}")
        return compose(parse_spec(text.encode(), f"{industry}.yaml"), lib)

    old_doc = contract_doc(contract(old_industry, 15), old_industry)
    new_doc = contract_doc(contract(new_industry, days), new_industry)
    return diff_docs(old_doc, new_doc), old_doc, new_doc


def _cases() -> dict[str, tuple[ChangeSet, Doc, Doc]]:
    cases = {f"{a}-to-{b}": library_pair(a, b) for a, b in PAIRS}
    cases["hotel-value"] = contract_pair("hotel", "hotel", 30)
    cases["hotel-to-education"] = contract_pair("hotel", "education")
    cases["software-to-telecom"] = contract_pair("software", "telecom")
    return cases


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a}-to-{b}" for a, b in PAIRS])
def test_accept_all_gives_new_and_reject_all_gives_old(old: str, new: str):
    changes, old_doc, new_doc = library_pair(old, new)
    docx = render(changes, "docx")
    assert accept_all(docx) == new_doc.lines()
    assert reject_all(docx) == old_doc.lines()
    assert revision_stretches(docx) == (changes.summary.inserted_revisions, changes.summary.deleted_revisions)


@pytest.mark.parametrize("pair", [("hotel", "hotel", 30), ("hotel", "education", 15), ("software", "telecom", 15)])
def test_contract_redline_accepts_and_rejects_exactly(pair: tuple[str, str, int]):
    changes, old_doc, new_doc = contract_pair(*pair)
    docx = render(changes, "docx", author="李律师")
    assert accept_all(docx) == new_doc.lines()
    assert reject_all(docx) == old_doc.lines()
    assert revision_stretches(docx) == (changes.summary.inserted_revisions, changes.summary.deleted_revisions)
    root = document_xml(docx)
    revisions = list(root.iter(f"{{{W}}}ins", f"{{{W}}}del"))
    assert revisions and {r.get(f"{{{W}}}author") for r in revisions} == {"李律师"}


def test_revisions_are_well_formed():
    changes, _, _ = library_pair("original", "many")
    docx = render(changes, "docx")
    ids = revision_ids(docx)
    assert len(ids) == len(set(ids)) > changes.summary.revisions  # paragraph marks have their own ids
    root = document_xml(docx)
    ns = {"w": W}
    assert {r.get(f"{{{W}}}date") for r in root.iter(f"{{{W}}}ins", f"{{{W}}}del")} == {FIXED_DATE}
    assert root.findall(".//w:del//w:t", ns) == []
    assert root.findall(".//w:delText", ns)
    # Whole inserted and deleted paragraphs are marked on the paragraph mark too.
    assert root.findall(".//w:pPr/w:rPr/w:ins", ns) and root.findall(".//w:pPr/w:rPr/w:del", ns)
    # Articles are Heading 1 and numbered automatically, never by text.
    headings = [p for p in root.iter(f"{{{W}}}p") if p.find("w:pPr/w:pStyle", ns) is not None
                and p.find("w:pPr/w:pStyle", ns).get(f"{{{W}}}val") == "Heading1"]
    assert headings and all(p.find("w:pPr/w:numPr", ns) is not None for p in headings)
    assert not any(re.match(r"第.+条", "".join(p.itertext())) for p in headings)


def test_the_docx_is_deterministic(monkeypatch):
    changes, _, _ = library_pair("original", "many")
    assert render(changes, "docx") == render(changes, "docx")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    dated = render(changes, "docx")
    assert {r.get(f"{{{W}}}date") for r in document_xml(dated).iter(f"{{{W}}}ins")} == {"2026-01-01T00:00:00Z"}


def test_libreoffice_sees_the_same_revisions(tmp_path: Path):
    cases = _cases()
    files = {name: render(changes, "docx") for name, (changes, _, _) in cases.items()}
    # The grouping rule itself: an unchanged mark joins insertions touching it, never deletions.
    files["rule-insertions"] = _docx(f"<w:p>{_r('甲')}{_ins('乙', 1)}</w:p><w:p>{_ins('丙', 2)}{_r('丁')}</w:p>")
    files["rule-paragraphs"] = _docx(f"<w:p>{_r('甲')}</w:p><w:p>{_mark('ins', 1)}{_ins('乙', 2)}</w:p>"
                                     f"<w:p>{_mark('ins', 3)}{_ins('丙', 4)}</w:p><w:p>{_r('丁')}</w:p>")
    files["rule-text"] = _docx(f"<w:p>{_ins('乙', 1)}{_r('甲')}{_ins('丙', 2)}</w:p><w:p>{_r('丁')}</w:p>")
    seen = libreoffice_regions(files, tmp_path)
    for name, (changes, _, _) in cases.items():
        data = json.loads(render(changes, "json"))["summary"]
        assert seen[name] == (data["revisions"], data["inserted_revisions"], data["deleted_revisions"]), name
    assert seen["rule-insertions"] == (1, 1, 0) == (sum(revision_stretches(files["rule-insertions"])), 1, 0)
    assert seen["rule-paragraphs"] == (1, 1, 0)
    assert seen["rule-text"] == (2, 2, 0) == (sum(revision_stretches(files["rule-text"])), 2, 0)  # text splits


# --- random edits of a clause ------------------------------------------------------------------------

_WORDS = ["甲方", "乙方", "应", "可以", "不得", "在", "三十日", "十五日", "内", "书面", "通知", "人民币 800.00 元",
          "，", "。", "《中华人民共和国民法典》", "2026年12月1日", "上海浦江酒店管理有限公司", "评价", "及时", "的",
          "ab", " ", "一", "{{ days }}"]
_PARAGRAPH = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=12).map("".join)


def _doc(paragraphs: list[str], label: str) -> Doc:
    clause = Unit("a.b", "clause", "条款", "1.1",
                  tuple(Para("clause" if i == 0 else "body", (Piece(t),), "1.1" if i == 0 else "",
                             "clause" if i == 0 else "") for i, t in enumerate(paragraphs)))
    units = (Unit("@title", "title", paras=(Para("title", (Piece("合同"),)),)),
             Unit("a", "article", "总则", "第一条", (Para("heading", (Piece("总则"),), "第一条", "article"),),
                  children=(clause,)))
    return Doc(label, "library", "合同", "decimal", units)


@st.composite
def _edited(draw):
    old = draw(st.lists(_PARAGRAPH, min_size=1, max_size=4))
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(new) - 1))
        text = new[i]
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        action = draw(st.sampled_from(["replace", "insert-paragraph", "delete-paragraph"]))
        if action == "replace":
            new[i] = text[:a] + draw(_PARAGRAPH) + text[b:]
        elif action == "insert-paragraph":
            new.insert(i + draw(st.integers(0, 1)), draw(_PARAGRAPH))
        elif len(new) > 1:
            new.pop(i)
    return old, new


@settings(max_examples=60, deadline=None)
@given(_edited())
def test_random_edits_accept_to_new_and_reject_to_old(edit: tuple[list[str], list[str]]):
    old, new = edit
    old_doc, new_doc = _doc(old, "old"), _doc(new, "new")
    changes = diff_docs(old_doc, new_doc)
    assert [b.new_text for b in changes.blocks if b.status != "deleted"] == new_doc.lines()
    assert [b.old_text for b in changes.blocks if b.status != "inserted"] == old_doc.lines()
    docx = render(changes, "docx")
    assert accept_all(docx) == new_doc.lines()
    assert reject_all(docx) == old_doc.lines()
    assert revision_stretches(docx) == (changes.summary.inserted_revisions, changes.summary.deleted_revisions)
    assert changes.same == (old == new)


# --- HTML, JSON, text ----------------------------------------------------------------------------------

def test_html_is_one_self_contained_escaped_page():
    changes, _, _ = library_pair("original", "many")
    page = render(changes, "html").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"""(src|href)=["'](?!#)""", page)  # no external resource, links are anchors
    assert "<script" not in page
    for change in changes.changes:
        assert f'href="#{change.anchor}"' in page and f'id="{change.anchor}"' in page
    assert "<ins>书面</ins>" in page
    assert "已移至" in page and "移自" in page  # a move is marked at both ends
    assert "text-decoration:line-through" in page and "text-decoration:underline" in page


def test_html_escapes_library_text():
    old = _doc(["甲方应通知乙方 & 丙方。"], "<old>")
    new = _doc(["甲方应<script>alert(1)</script>通知乙方 & 丙方。"], "<new>")
    page = render(diff_docs(old, new), "html").decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; 丙方" in page and "&lt;new&gt;" in page


def test_json_lists_every_change_with_the_docx_count():
    changes, _, _ = library_pair("original", "many")
    data = json.loads(render(changes, "json"))
    assert data["schema"] == "contractgen/diff@1" and data["same"] is False
    assert len(data["changes"]) == len(changes.changes)
    assert {"id", "kind", "old_text", "new_text", "edits", "values", "meta"} <= set(data["changes"][0])
    assert data["summary"]["revisions"] == sum(revision_stretches(render(changes, "docx")))
    counts = {k: sum(1 for c in data["changes"] if c["kind"] == k) for k in ("added", "removed", "modified", "moved")}
    assert counts == {k: data["summary"][k] for k in counts}


def test_text_is_coloured_only_for_a_terminal():
    from contractgen.redline import render_terminal

    changes, _, _ = library_pair("original", "reword")
    assert "\x1b[" in render_terminal(changes)
    plain = render(changes, "text").decode("utf-8")
    assert "\x1b[" not in plain and "{+书面+}" in plain


def test_identical_libraries_give_an_empty_redline():
    changes = diff_libraries(library("original"), library("original"))
    docx = render(changes, "docx")
    assert revision_ids(docx) == []
    assert json.loads(render(changes, "json"))["summary"]["revisions"] == 0
    assert render(changes, "text").decode().rstrip().endswith("no differences")
