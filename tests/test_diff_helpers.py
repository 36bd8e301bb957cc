"""Helpers of the diff tests (reading a DOCX redline the way Word accepts or rejects it, library
copies to mutate, LibreOffice's view of the revisions), and the tests that the helpers are right."""

from __future__ import annotations

import atexit
import functools
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from contractgen.diff_inputs import load_library_folder
from contractgen.library import FOLDERS, Library, builtin_library_dir

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def document_xml(docx: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _resolve(docx: bytes, accept: bool) -> list[str]:
    """The paragraphs' text after accepting (or rejecting) every tracked change.

    Accept: deleted and moved-away text (``w:del``, ``w:moveFrom``) goes, inserted and moved-here
    text stays; a paragraph whose mark is deleted (or moved away) joins the next one. Reject: the
    other way round (``w:delText`` is text again).
    """
    body = document_xml(docx).find("w:body", NS)
    lines: list[str] = []
    carry = ""
    gone = (_w("del"), _w("moveFrom")) if accept else (_w("ins"), _w("moveTo"))
    for p in body.findall("w:p", NS):
        parts = []
        for node in p.iter(_w("t"), _w("delText")):
            inside = {a.tag for a in node.iterancestors()}
            if _w("pPr") in inside:
                continue
            if node.tag == _w("delText"):
                assert _w("del") in inside, "w:delText outside w:del"
            else:
                assert _w("del") not in inside, "w:t inside w:del"
            if not inside & set(gone):
                parts.append(node.text or "")
        text = carry + "".join(parts)
        mark = p.find("w:pPr/w:rPr", NS)
        if mark is not None and any(m.tag in gone for m in mark):
            carry = text
            continue
        lines.append(text)
        carry = ""
    assert carry == "", "the last paragraph's mark is tracked"
    return lines


def accept_all(docx: bytes) -> list[str]:
    """The text Word shows after “Accept All Changes”."""
    return _resolve(docx, accept=True)


def reject_all(docx: bytes) -> list[str]:
    """The text Word shows after “Reject All Changes”."""
    return _resolve(docx, accept=False)


def revision_stretches(docx: bytes) -> tuple[int, int]:
    """(insertions, deletions): maximal stretches of one kind of tracked content (inserted, deleted,
    moved here, moved away) read in document order, paragraph marks included, from the XML alone
    (the definition in ``contractgen.diff``: an unchanged mark between two insertions touching it
    does not split them, unchanged text does); moves count with insertions and deletions."""
    body = document_xml(docx).find("w:body", NS)
    kinds = {_w("ins"): "ins", _w("del"): "del", _w("moveTo"): "moveTo", _w("moveFrom"): "moveFrom"}
    stream: list[str] = []
    for p in body.findall("w:p", NS):
        for child in p:
            if child.tag in kinds:
                if "".join(child.itertext()):
                    stream.append(kinds[child.tag])
            elif child.tag == _w("r") and "".join(child.itertext()):
                stream.append("text")  # unchanged text: it splits two insertions, a mark does not
        mark = p.find("w:pPr/w:rPr", NS)
        stream.append(next((kinds[m.tag] for m in mark if m.tag in kinds), "") if mark is not None else "")
    counts = {"ins": 0, "del": 0}
    previous = ""
    for i, atom in enumerate(stream):
        if not atom and previous in ("ins", "moveTo") and i + 1 < len(stream) and stream[i + 1] == previous:
            continue  # LibreOffice joins insertions that touch an unchanged paragraph mark
        if atom not in ("", "text") and atom != previous:
            counts["ins" if atom in ("ins", "moveTo") else "del"] += 1
        previous = atom
    return counts["ins"], counts["del"]


def revision_ids(docx: bytes) -> list[str]:
    root = document_xml(docx)
    tags = [_w(t) for t in ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart")]
    return [e.get(_w("id")) for e in root.iter(*tags)]


# --- libraries to mutate ------------------------------------------------------------------------------

def library_copy(dest: Path) -> Path:
    """A complete copy of the shipped library (its three folders) at ``dest``."""
    src = builtin_library_dir()
    for folder in FOLDERS:
        shutil.copytree(src / folder, dest / folder)
    return dest


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    """Load a library file, let ``change`` edit the data in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def article(data: dict, ident: str) -> dict:
    return next(a for a in data["articles"] if a["id"] == ident)


# --- mutations of the library (each a function of a fresh copy) ---------------------------------------

NEW_ANNEX = {
    "annex": {
        "id": "zz-complaint-notice", "title": "投诉处理告知书", "version": "1.0.0", "kind": "statement",
        "sections": [
            {"heading": "一、投诉渠道", "paragraphs": ["甲方可以通过电话、电子邮件或者书面信函向乙方投诉。"]},
            {"heading": "二、处理期限", "paragraphs": ["乙方应在收到投诉之日起七日内作出书面答复。"],
             "items": ["登记投诉；", "调查核实；", "书面答复。"]},
        ],
    },
}


def _feedback(change: Callable[[list], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        edit_yaml(root / "clauses" / "020-feedback.yaml", lambda data: change(article(data, "feedback")["clauses"]))
    return mutate


def _insert(clauses: list) -> None:
    clauses.insert(0, {"id": "feedback.record", "title": "反馈记录",
                       "text": "乙方应对甲方的全部反馈建立台账，并保存不少于三年。"})


def _reword(clauses: list) -> None:
    clauses[1]["text"] = clauses[1]["text"].replace("作出答复", "作出书面答复")


def _swap(clauses: list) -> None:
    clauses[1], clauses[2] = clauses[2], clauses[1]


def _version(clauses: list) -> None:
    clauses[1]["version"] = "1.1.0"


def _rename(clauses: list) -> None:
    clauses[1]["id"] = "feedback.response"


def _move_article(root: Path) -> None:
    edit_yaml(root / "clauses" / "020-feedback.yaml", lambda data: article(data, "feedback").update(order=42))


def _move_clause_across(root: Path) -> None:
    moved: list = []
    edit_yaml(root / "clauses" / "020-feedback.yaml",
              lambda data: moved.append(article(data, "feedback")["clauses"].pop(1)))
    edit_yaml(root / "clauses" / "050-confidentiality.yaml",
              lambda data: article(data, "confidentiality")["clauses"].append(moved[0]))


def _variable(root: Path) -> None:
    edit_yaml(root / "clauses" / "020-feedback.yaml", lambda data: data["variables"]["feedback_reply_days"].update(max=20))


def _library_version(root: Path) -> None:
    edit_yaml(root / "clauses" / "library.yaml", lambda data: data["library"].update(version="2027.1.0"))


def _condition(root: Path) -> None:
    edit_yaml(root / "clauses" / "030-evaluation.yaml",
              lambda data: article(data, "evaluation")["clauses"][0].update(condition="evaluation_days > 3"))


def _title(root: Path) -> None:
    edit_yaml(root / "clauses" / "020-feedback.yaml", lambda data: article(data, "feedback").update(title="服务反馈与投诉"))


def _new_annex(root: Path) -> None:
    (root / "attachments" / "zz-complaint-notice.yaml").write_text(
        yaml.safe_dump(NEW_ANNEX, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _many(root: Path) -> None:
    """Everything at once: insert, delete, reword, move (within and across articles, and an article),
    a retitled article, a new annex at the very end."""
    def feedback(clauses: list) -> None:
        _reword(clauses)
        _swap(clauses)
        _insert(clauses)
    _feedback(feedback)(root)
    edit_yaml(root / "clauses" / "030-evaluation.yaml",  # the publication deleted (evaluation.removal follows it)
              lambda data: article(data, "evaluation")["clauses"].remove(
                  next(c for c in article(data, "evaluation")["clauses"] if c["id"] == "evaluation.publication")))
    _move_clause_across(root)
    edit_yaml(root / "clauses" / "040-evaluation-use.yaml", lambda data: article(data, "evaluation-use").update(
        order=15, title="评价结果的运用和披露"))
    _new_annex(root)


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "insert": _feedback(_insert),
    "delete": _feedback(lambda clauses: clauses.pop(1)),
    "reword": _feedback(_reword),
    "swap": _feedback(_swap),
    "version": _feedback(_version),
    "rename": _feedback(_rename),
    "move-article": _move_article,
    "move-across": _move_clause_across,
    "variable": _variable,
    "library-version": _library_version,
    "condition": _condition,
    "title": _title,
    "new-annex": _new_annex,
    "many": _many,
}

_WORK = Path(tempfile.mkdtemp(prefix="contractgen-diff-tests-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)


@functools.cache
def library_folder(name: str) -> Path:
    """A complete library folder: the shipped one (``original``) or one mutation of it."""
    root = library_copy(_WORK / name)
    if name != "original":
        MUTATIONS[name](root)
    return root


@functools.cache
def library(name: str) -> Library:
    return load_library_folder(library_folder(name))


# --- LibreOffice -----------------------------------------------------------------------------------------

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_regions(files: dict[str, bytes], workdir: Path) -> dict[str, tuple[int, int, int]]:
    """Open each DOCX in LibreOffice (converted to ODT): (changed regions, insertions, deletions)."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check the redline in LibreOffice")
    src = workdir / "docx"
    out = workdir / "odt"
    src.mkdir()
    for name, data in files.items():
        (src / f"{name}.docx").write_bytes(data)
    profile = (workdir / "profile").resolve().as_uri()
    env = dict(os.environ, HOME=str(workdir))
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odt", "--outdir",
                    str(out), *sorted(str(p) for p in src.iterdir())], check=True, capture_output=True,
                   timeout=300, env=env)
    result = {}
    for name in files:
        with zipfile.ZipFile(out / f"{name}.odt") as odt:
            root = etree.fromstring(odt.read("content.xml"))
        regions = root.findall(f".//{{{_TEXT_NS}}}changed-region")
        inserted = sum(1 for r in regions if r.find(f"{{{_TEXT_NS}}}insertion") is not None)
        deleted = sum(1 for r in regions if r.find(f"{{{_TEXT_NS}}}deletion") is not None)
        result[name] = (len(regions), inserted, deleted)
    return result


# --- the helpers' own tests ---------------------------------------------------------------------------

def _docx(body_xml: str) -> bytes:
    """A real Word package (python-docx's default template) whose body is the given paragraphs."""
    from docx import Document

    document = Document()
    body = document.element.body
    for child in list(body):
        if child.tag != _w("sectPr"):
            body.remove(child)
    paragraphs = etree.fromstring(f'<w:body xmlns:w="{W}">{body_xml}</w:body>')
    for p in list(paragraphs):
        body.find("w:sectPr", NS).addprevious(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _ins(text: str, i: int) -> str:
    return f'<w:ins w:id="{i}" w:author="a"><w:r><w:t>{text}</w:t></w:r></w:ins>'


def _del(text: str, i: int) -> str:
    return f'<w:del w:id="{i}" w:author="a"><w:r><w:delText>{text}</w:delText></w:r></w:del>'


def _mark(kind: str, i: int) -> str:
    return f'<w:pPr><w:rPr><w:{kind} w:id="{i}" w:author="a"/></w:rPr></w:pPr>'


def test_accept_and_reject_read_tracked_changes_like_word():
    docx = _docx(
        f"<w:p>{_r('评价应在')}{_del('三十日', 1)}{_ins('十五日', 2)}{_r('内进行。')}</w:p>"
        f"<w:p>{_mark('ins', 3)}{_ins('新增的一款。', 4)}</w:p>"
        f"<w:p>{_mark('del', 5)}{_del('删除的一款。', 6)}</w:p>"
        f"<w:p>{_r('末段。')}</w:p>"
    )
    assert accept_all(docx) == ["评价应在十五日内进行。", "新增的一款。", "末段。"]
    assert reject_all(docx) == ["评价应在三十日内进行。", "删除的一款。", "末段。"]
    assert revision_stretches(docx) == (2, 2)  # 十五日 | 新增的一款¶ ; 三十日 | 删除的一款¶
    assert revision_ids(docx) == ["1", "2", "3", "4", "5", "6"]


def test_adjacent_changes_of_one_kind_are_one_revision():
    docx = _docx(
        f"<w:p>{_r('甲')}{_ins('乙', 1)}</w:p><w:p>{_mark('ins', 2)}{_ins('丙', 3)}</w:p>"
        f"<w:p>{_mark('ins', 4)}{_ins('丁', 5)}</w:p><w:p>{_r('戊')}</w:p>"
    )
    assert revision_stretches(docx) == (1, 0)
    assert accept_all(docx) == ["甲乙", "丙", "丁", "戊"]
    assert reject_all(docx) == ["甲", "戊"]


def test_unchanged_text_between_insertions_splits_them_a_mark_does_not():
    from contractgen.diff import Block, Segment, revisions

    docx = _docx(f"<w:p>{_ins('乙', 1)}{_r('甲')}{_ins('丙', 2)}</w:p><w:p>{_r('丁')}</w:p>")
    assert revision_stretches(docx) == (2, 0)
    text = Block("clause", "changed", (Segment("insert", "乙"), Segment("equal", "甲"), Segment("insert", "丙")))
    assert revisions((text, Block("body", "equal", (Segment("equal", "丁"),)))) == (2, 0)
    joined = (Block("clause", "changed", (Segment("equal", "甲"), Segment("insert", "乙"))),
              Block("clause", "changed", (Segment("insert", "丙"), Segment("equal", "丁"))))
    assert revisions(joined) == (1, 0)  # only the unchanged mark between 乙 and 丙


def test_a_move_is_a_deletion_there_and_an_insertion_here():
    attrs = 'w:author="a" w:date="2000-01-01T00:00:00Z"'
    docx = _docx(
        f'<w:p>{_r("标题")}</w:p><w:moveFromRangeStart w:id="1" {attrs} w:name="m"/>'
        f'<w:p><w:pPr><w:rPr><w:moveFrom w:id="2" {attrs}/></w:rPr></w:pPr>'
        f'<w:moveFrom w:id="3" {attrs}><w:r><w:t>移动的款。</w:t></w:r></w:moveFrom></w:p>'
        f'<w:moveFromRangeEnd w:id="1"/><w:p>{_r("中间。")}</w:p><w:moveToRangeStart w:id="4" {attrs} w:name="m"/>'
        f'<w:p><w:pPr><w:rPr><w:moveTo w:id="5" {attrs}/></w:rPr></w:pPr>'
        f'<w:moveTo w:id="6" {attrs}><w:r><w:t>移动的款。</w:t></w:r></w:moveTo></w:p>'
        f'<w:moveToRangeEnd w:id="4"/><w:p>{_r("末段。")}</w:p>'
    )
    assert accept_all(docx) == ["标题", "中间。", "移动的款。", "末段。"]
    assert reject_all(docx) == ["标题", "移动的款。", "中间。", "末段。"]
    assert revision_stretches(docx) == (1, 1)
