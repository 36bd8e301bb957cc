"""``contractgen compare``: the other side's Word file read back against the standard contract.

Every fixture is built here from the generated hotel contract, edited the way the other side would
(values changed, a clause reworded, deleted, added, two swapped, articles renumbered, edits made as
tracked changes, comments added, formatting changed, the file saved again by LibreOffice, the text
pasted into a fresh document), and each asserts the exact deviation list a lawyer would get.
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from contractgen import formats
from contractgen.cli import cli
from contractgen.compare.outputs import render
from contractgen.compare.reader import read_returned
from contractgen.compare.report import Comparison, compare_returned
from contractgen.compose import compose
from contractgen.i18n import use_language
from contractgen.library import load_library
from contractgen.render import RenderOptions
from contractgen.render.docx import render_docx
from contractgen.spec import parse_spec, starter_spec
from tests.test_diff_helpers import accept_all, reject_all

LIBRARY = load_library()
SPEC = starter_spec(LIBRARY, "hotel", example=True)
CONTRACT = compose(parse_spec(SPEC.encode(), "hotel.yaml"), LIBRARY)
GENERATED = render_docx(CONTRACT, RenderOptions())
EFFECTIVE, CHANGE = (CONTRACT.clause_index[i].number for i in ("effectiveness.effective", "effectiveness.change"))
"""The numbers of the first two clauses of 合同的生效、变更和终止, which the tests swap and edit."""
TIMING, PENALTY, REPLY, FEEDBACK = (CONTRACT.clause_index[i].number for i in (
    "evaluation.timing", "breach.penalty", "feedback.reply", "breach.feedback"))
"""The clauses the tests edit, by the numbers they have in the hotel's example contract."""
BREACH = CONTRACT.clause_index["breach"].index
DISPUTE_LAST = CONTRACT.clause_index["dispute"].clauses[-1].number
DISPUTE_NEXT = f"{CONTRACT.clause_index['dispute'].index}.{len(CONTRACT.clause_index['dispute'].clauses) + 1}"
"""The last clause of 争议解决 and the number a clause added after it takes."""
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LAWYER = "对方律师"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --- editing a DOCX as the other side would ------------------------------------------------------------

def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def repack(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, blob in parts.items():
            package.writestr(name, blob)
    return out.getvalue()


def edited(*changes: Callable[[etree._Element], None], data: bytes = GENERATED) -> bytes:
    parts = members(data)
    root = etree.fromstring(parts["word/document.xml"])
    for change in changes:
        change(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return repack(parts)


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def paragraph(root: etree._Element, prefix: str) -> etree._Element:
    return next(p for p in root.iter(w("p")) if text_of(p).startswith(prefix))


def retext(prefix: str, old: str, new: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        t = next(t for t in paragraph(root, prefix).iter(w("t")) if old in (t.text or ""))
        t.text = t.text.replace(old, new, 1)
    return change


def delete(prefix: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        p = paragraph(root, prefix)
        p.getparent().remove(p)
    return change


def insert_after(prefix: str, text: str, style: str = "Clause") -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        new = etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                               f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
        paragraph(root, prefix).addnext(new)
    return change


def swap(first: str, second: str) -> Callable[[etree._Element], None]:
    """Two clauses change places; the lawyer gives each the other's number."""
    def change(root: etree._Element) -> None:
        a, b = paragraph(root, first), paragraph(root, second)
        for p, old, new in ((a, first, second), (b, second, first)):
            t = next(t for t in p.iter(w("t")) if t.text and t.text.startswith(old))
            t.text = new + t.text[len(old):]
        marker = etree.Element(w("p"))
        a.addprevious(marker)
        b.addprevious(a)
        marker.addprevious(b)
        marker.getparent().remove(marker)
    return change


def track(prefix: str, old: str, new: str, author: str = LAWYER) -> Callable[[etree._Element], None]:
    """``old`` → ``new`` as a tracked deletion and insertion (either may be empty)."""
    def change(root: etree._Element) -> None:
        t = next(t for t in paragraph(root, prefix).iter(w("t")) if old in (t.text or "") or not old)
        run = t.getparent()
        before, _, after = (t.text or "").partition(old) if old else ("", "", t.text or "")
        attrs = f'w:author="{author}" w:date="2026-12-02T10:00:00Z"'
        rpr = run.find(w("rPr"))
        style = etree.tostring(rpr).decode() if rpr is not None else ""
        xml = (f'<x xmlns:w="{W}"><w:r>{style}<w:t xml:space="preserve">{before}</w:t></w:r>'
               + (f'<w:del w:id="901" {attrs}><w:r>{style}<w:delText>{old}</w:delText></w:r></w:del>' if old else "")
               + (f'<w:ins w:id="902" {attrs}><w:r>{style}<w:t>{new}</w:t></w:r></w:ins>' if new else "")
               + f'<w:r>{style}<w:t xml:space="preserve">{after}</w:t></w:r></x>')
        for element in etree.fromstring(xml):
            run.addprevious(element)
        run.getparent().remove(run)
    return change


def bold(prefix: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        run = next(r for r in paragraph(root, prefix).iter(w("r")) if r.find(w("t")) is not None)
        rpr = run.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            run.insert(0, rpr)
        etree.SubElement(rpr, w("b"))
    return change


def with_comment(data: bytes, prefix: str, anchored: str, comment: str) -> bytes:
    """A Word comment on ``anchored`` (a whole run's text) in the paragraph starting with ``prefix``."""
    parts = members(data)
    root = etree.fromstring(parts["word/document.xml"])
    p = paragraph(root, prefix)
    t = next(t for t in p.iter(w("t")) if anchored in (t.text or ""))
    before, _, after = t.text.partition(anchored)
    run = t.getparent()
    xml = (f'<x xmlns:w="{W}"><w:r><w:t xml:space="preserve">{before}</w:t></w:r><w:commentRangeStart w:id="0"/>'
           f'<w:r><w:t>{anchored}</w:t></w:r><w:commentRangeEnd w:id="0"/>'
           '<w:r><w:commentReference w:id="0"/></w:r>'
           f'<w:r><w:t xml:space="preserve">{after}</w:t></w:r></x>')
    for element in etree.fromstring(xml):
        run.addprevious(element)
    run.getparent().remove(run)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}">'
        f'<w:comment w:id="0" w:author="{LAWYER}" w:date="2026-12-02T10:00:00Z"><w:p><w:r><w:t>{comment}</w:t>'
        "</w:r></w:p></w:comment></w:comments>").encode()
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdC9" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/comments" Target="comments.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.comments+xml"/></Types>')
    return repack(parts)


def pasted(data: bytes) -> bytes:
    """Their text typed or pasted into a fresh Word document: no styles, no bookmarks, no table."""
    source = docx.Document(io.BytesIO(data))
    fresh = docx.Document()
    for block in source.iter_inner_content():
        if isinstance(block, docx.table.Table):
            table = fresh.add_table(rows=len(block.rows), cols=len(block.columns))
            for i, row in enumerate(block.rows):
                for j, cell in enumerate(row.cells):
                    table.cell(i, j).text = cell.text
        else:
            fresh.add_paragraph(block.text)
    out = io.BytesIO()
    fresh.save(out)
    return out.getvalue()


# --- comparing --------------------------------------------------------------------------------------

def compare(data: bytes, policy: str = "show") -> Comparison:
    return compare_returned(CONTRACT, read_returned(data, "theirs.docx", policy),  # type: ignore[arg-type]
                            standard_label="hotel.yaml", their_label="theirs.docx", policy=policy)  # type: ignore[arg-type]


def deviations(c: Comparison) -> list[tuple]:
    """(kind, standard id, their number, edits, values, tracked by) of every deviation, in rank order."""
    return [(d.kind, d.id, d.number, tuple((e.deleted, e.inserted) for e in d.edits) if d.kind == "changed" else (),
             tuple((v.name, v.old, v.new) for v in d.values), d.tracked_by) for d in c.deviations]


VALUES = (retext(TIMING, "15", "30"),
          retext(PENALTY, "人民币（大写）壹万元整（¥10,000.00）", "人民币（大写）贰万元整（¥20,000.00）"))
REWORD = retext(REPLY, "作出答复", "作出书面答复")
EXPECTED_VALUES = [
    ("value", "breach.penalty", PENALTY, (), (("penalty_amount", "10000", "20000"),), ()),
    ("value", "evaluation.timing", TIMING, (), (("evaluation_days", "15", "30"),), ()),
]
EXPECTED_REWORD = [("changed", "feedback.reply", REPLY, (("", "书面"),), (), ())]


def test_the_generated_file_itself_has_no_deviation() -> None:
    c = compare(GENERATED)
    assert c.same and deviations(c) == [] and not c.formatting and not c.comments and not c.notes
    assert c.carried > 100


def test_values_edited_are_value_changes_not_wording() -> None:
    c = compare(edited(*VALUES))
    assert deviations(c) == EXPECTED_VALUES  # the penalty ranks first
    assert [(v.name, v.old, v.new) for v in c.values] == [("evaluation_days", "15", "30"),
                                                          ("penalty_amount", "10000", "20000")]


def test_a_reworded_clause_shows_the_words_changed() -> None:
    assert deviations(compare(edited(REWORD))) == EXPECTED_REWORD


def test_a_deleted_clause() -> None:
    assert deviations(compare(edited(delete(FEEDBACK)))) == [("deleted", "breach.feedback", FEEDBACK, (), (), ())]


def test_an_added_clause_ranks_by_its_subject() -> None:
    c = compare(edited(insert_after(DISPUTE_LAST, f"{DISPUTE_NEXT}　任何一方不得擅自公开争议的内容。"), REWORD))
    assert deviations(c) == [("added", "~clause-1", DISPUTE_NEXT, (), (), ()), *EXPECTED_REWORD]
    assert c.deviations[0].category == "dispute" and c.deviations[0].their_text == "任何一方不得擅自公开争议的内容。"


def test_two_clauses_swapped_is_one_move() -> None:
    c = compare(edited(swap(EFFECTIVE, CHANGE)))
    assert deviations(c) == [("moved", "effectiveness.effective", CHANGE, (), (), ())]


def test_renumbering_alone_is_no_deviation() -> None:
    def renumber(root: etree._Element) -> None:
        heading = paragraph(root, "第五条")
        for n in range(len(CONTRACT.articles), 4, -1):  # the last article … 第五条 each one up, and their clauses
            retext(formats.article_number(n), formats.article_number(n), formats.article_number(n + 1))(root)
            for p in root.iter(w("p")):
                if text_of(p).startswith(f"{n}."):
                    retext(f"{n}.", f"{n}.", f"{n + 1}.")(p)
        new = copy.deepcopy(heading)
        for el in new.iter(w("bookmarkStart"), w("bookmarkEnd")):
            el.getparent().remove(el)
        new.find(f".//{w('t')}").text = "第五条　补充约定"
        heading.addprevious(new)
        insert_after("第五条　补充约定", "5.1　双方可以就本合同未尽事宜另行书面约定。")(root)

    c = compare(edited(renumber))
    assert deviations(c) == [("added", "~article-1", "第五条", (), (), ()), ("added", "~clause-1", "5.1", (), (), ())]
    moved = [(r.id, r.old_number, r.new_number) for r in c.renumbered]
    assert ("breach", formats.article_number(BREACH), formats.article_number(BREACH + 1)) in moved
    assert ("breach.penalty", PENALTY, f"{BREACH + 1}.{PENALTY.split('.')[1]}") in moved


def test_tracked_changes_shown_accepted_or_rejected() -> None:
    data = edited(track(TIMING, "15", "30"), track(REPLY, "答复", "书面答复"), retext(EFFECTIVE, "生效。", "生效并备案。"))
    reply = ("changed", "feedback.reply", REPLY, (("", "书面"),), (), (LAWYER,))
    timing = ("value", "evaluation.timing", TIMING, (), (("evaluation_days", "15", "30"),), (LAWYER,))
    silent = ("changed", "effectiveness.effective", EFFECTIVE, (("", "并备案"),), (), ())
    assert deviations(compare(data, "show")) == [reply, timing, silent]
    untracked = [(*d[:5], ()) for d in (reply, timing, silent)]
    assert deviations(compare(data, "accept")) == untracked
    assert deviations(compare(data, "reject")) == [silent[:5] + ((),)]


def test_comments_are_listed_with_the_text_they_are_anchored_to() -> None:
    c = compare(with_comment(GENERATED, PENALTY, "违约金", "违约金过高，建议调整为5000元。"))
    assert c.same and deviations(c) == []
    assert [(r.author, r.text, r.anchored, r.unit, r.number) for r in c.comments] == [
        (LAWYER, "违约金过高，建议调整为5000元。", "违约金", "breach.penalty", PENALTY)]


def test_formatting_only_changes_are_listed_apart() -> None:
    c = compare(edited(bold("1.1")))
    assert c.same and deviations(c) == []
    assert [(f.number, f.what, f.style) for f in c.formatting] == [("1.1", ("bold",), "")]


def test_text_pasted_into_a_fresh_document_compares_the_same() -> None:
    data = edited(*VALUES, REWORD, delete(FEEDBACK))
    # Liability before penalties, then the rest in document order.
    expected = [("deleted", "breach.feedback", FEEDBACK, (), (), ()), EXPECTED_VALUES[0], *EXPECTED_REWORD,
                EXPECTED_VALUES[1]]
    assert deviations(compare(data)) == expected
    fresh = compare(pasted(data))
    assert fresh.carried == 0 and deviations(fresh) == expected
    assert [n.code for n in fresh.notes] == ["compare.note-no-ids"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_file_saved_again_by_libreoffice_compares_the_same(tmp_path: Path) -> None:
    data = with_comment(edited(*VALUES, REWORD), PENALTY, "违约金", "违约金过高。")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "theirs.docx").write_bytes(data)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"),
                    str(tmp_path / "in" / "theirs.docx")], check=True, capture_output=True, timeout=240)
    c = compare((tmp_path / "out" / "theirs.docx").read_bytes())
    assert deviations(c) == [EXPECTED_VALUES[0], *EXPECTED_REWORD, EXPECTED_VALUES[1]]
    assert c.carried == compare(data).carried and not c.formatting
    assert [(r.text, r.anchored, r.unit) for r in c.comments] == [("违约金过高。", "违约金", "breach.penalty")]


def test_the_docx_redline_accepts_to_theirs_and_rejects_to_the_standard() -> None:
    added = insert_after(DISPUTE_LAST, f"{DISPUTE_NEXT}　任何一方不得擅自公开争议的内容。")
    c = compare(edited(*VALUES, REWORD, delete(FEEDBACK), added, swap(EFFECTIVE, CHANGE)))
    redline = render(c, "docx")
    assert accept_all(redline) == c.theirs.lines()
    assert reject_all(redline) == c.standard.lines()
    assert render(c, "docx") == redline  # deterministic


def test_html_report_has_the_summary_then_each_deviation_escaped() -> None:
    c = compare(edited(*VALUES, retext(REPLY, "作出答复", "作出<b>答复</b>")))
    with use_language("zh"):
        page = render(c, "html").decode()
    assert page.index("概要") < page.index("偏离清单")
    sections = page.split('<div class="dev ')[1:]
    assert ["penalty_amount" in sections[0], "&lt;b&gt;" in sections[1], "evaluation_days" in sections[2]] \
        == [True, True, True]
    assert "<b>答复" not in page and all("未留修订痕迹" in x for x in sections)
    assert '<html lang="zh-CN">' in page and "违约金" in sections[0]
    english = render(c, "html").decode()  # the tests run in English
    assert '<html lang="en">' in english and "made without tracked changes" in english and "penalties" in english


# --- the command --------------------------------------------------------------------------------------

def test_cli_exit_codes_and_outputs(tmp_path: Path) -> None:
    spec = tmp_path / "hotel.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"), "--format", "docx"]).exit_code == 0
    same = runner.invoke(cli, ["compare", str(tmp_path / "out"), str(tmp_path / "out" / "contract.docx")])
    assert same.exit_code == 0, same.output
    theirs = tmp_path / "theirs.docx"
    theirs.write_bytes(edited(*VALUES, data=(tmp_path / "out" / "contract.docx").read_bytes()))
    result = runner.invoke(cli, ["compare", str(spec), str(theirs), "--format", "text"])
    assert result.exit_code == 1 and "evaluation_days: 15 → 30" in result.output
    result = runner.invoke(cli, ["compare", str(tmp_path / "out" / "manifest.json"), str(theirs), "--format",
                                 "docx", "-o", str(tmp_path / "redline.docx")])
    assert result.exit_code == 1 and zipfile.is_zipfile(tmp_path / "redline.docx")


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip", "not a zip package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Word document"),
    (repack({"[Content_Types].xml": b"<Types/>"}), "no main document part"),
    (None, "file not found"),
])
def test_bad_their_file_is_one_clear_message(content: bytes | None, message: str, tmp_path: Path) -> None:
    spec = tmp_path / "hotel.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    theirs = tmp_path / "theirs.docx"
    if content is not None:
        theirs.write_bytes(content)
    result = CliRunner().invoke(cli, ["compare", str(spec), str(theirs)])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert str(theirs) in result.output


def test_a_zip_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "many.docx"
    theirs.write_bytes(repack({f"junk/{i}.xml": b"<a/>" for i in range(2100)}))
    result = CliRunner().invoke(cli, ["compare", str(tmp_path / "none.yaml"), str(theirs)])
    assert result.exit_code == 2 and "too many entries" in result.output


def test_a_build_folder_whose_spec_changed_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "hotel.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"), "--format", "docx"]).exit_code == 0
    spec.write_text(SPEC.replace("evaluation_days: 15", "evaluation_days: 20"), encoding="utf-8")
    result = runner.invoke(cli, ["compare", str(tmp_path / "out"), str(tmp_path / "out" / "contract.docx")])
    assert result.exit_code == 2 and "cannot find the spec 'hotel.yaml'" in result.output


# --- every edit and nothing else ------------------------------------------------------------------------

CLAUSES = [(clause.number, clause.id) for article in CONTRACT.articles for clause in article.clauses
           if clause.paragraphs and not clause.paragraphs[0].number and clause.paragraphs[0].text.endswith("。")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(CLAUSES), min_size=1, max_size=5))
def test_every_edit_and_nothing_else_is_reported(chosen: set[tuple[str, str]]) -> None:
    def reword(number: str) -> Callable[[etree._Element], None]:
        def change(root: etree._Element) -> None:
            p = paragraph(root, number + "　")
            last = [t for t in p.iter(w("t")) if t.text and t.text.endswith("。")][-1]
            last.text = last.text[:-1] + "，但双方另有书面约定的除外。"
        return change

    c = compare(edited(*(reword(number) for number, _ in sorted(chosen))))
    assert sorted((d.kind, d.id) for d in c.deviations) == sorted(("changed", ident) for _, ident in chosen)
    assert all(d.edits == (type(d.edits[0])("", "，但双方另有书面约定的除外"),) for d in c.deviations)


def test_bundled_annexes_compare_with_their_forms_passed_over() -> None:
    bundled = render_docx(CONTRACT, RenderOptions(bundle=True))
    assert deviations(compare(bundled)) == [] and deviations(compare(pasted(bundled))) == []
    c = compare(edited(retext("本政策自本合同生效之日起生效", "生效。", "生效，并可由乙方单方修改。"), data=bundled))
    assert deviations(c) == [("changed", "privacy-policy", "附件二", (("", "，并可由乙方单方修改"),), (), ())]
    assert c.deviations[0].category == "personal-information"
