"""比较 › 对方修改稿 through Flask's test client: their Word file against a register entry."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from contractgen.web.security import DOCUMENT_POLICY
from tests.test_compare import EXPECTED_REWORD, EXPECTED_VALUES, REPLY, REWORD, VALUES, edited, insert_after, track
from tests.web_helpers import example, form_post, make_app, signed_in


@pytest.fixture
def client(tmp_path):
    app = make_app(tmp_path / "data", FORMATS=("docx",))
    yield signed_in(app)
    app.extensions["contractgen.register"].engine.dispose()


def page(response) -> str:
    return response.get_data(as_text=True)


def entry_and_docx(client) -> tuple[int, bytes]:
    """A hotel contract generated into the register, and its DOCX as the register serves it."""
    response = client.post("/industries/hotel/new", data=form_post(example(), "save"))
    draft = re.search(r"/drafts/(\d+)$", response.headers["Location"]).group(1)
    response = client.post(f"/drafts/{draft}/generate")
    entry = int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))
    link = re.search(r'href="(/register/\d+/files/[^"]+\.docx)"', page(client.get(f"/register/{entry}"))).group(1)
    return entry, client.get(link).data


def upload(client, entry: int, data: bytes, changes: str = "show", name: str = "对方修改稿.docx"):
    return client.post("/compare/theirs", content_type="multipart/form-data",
                       data={"standard": f"contract:{entry}", "changes": changes, "theirs": (io.BytesIO(data), name)})


def as_deviations(report: dict) -> list[tuple]:
    """The same shape as ``tests.test_compare.deviations``, from the JSON the page offers."""
    return [(d["kind"], d["id"], d["number"],
             tuple((e["deleted"], e["inserted"]) for e in d["edits"]) if d["kind"] == "changed" else (),
             tuple((v["name"], v["old"], v["new"]) for v in d["values"]), tuple(d["tracked_by"]))
            for d in report["deviations"]]


def test_their_edited_file_against_the_register_entry(client):
    entry, ours = entry_and_docx(client)
    form = page(client.get(f"/register/{entry}"))
    assert f"/compare/theirs?standard=contract:{entry}" in form.replace("%3A", ":")
    assert 'selected' in page(client.get(f"/compare/theirs?standard=contract:{entry}"))

    response = upload(client, entry, edited(*VALUES, REWORD, data=ours))
    assert response.status_code == 302
    result = client.get(response.headers["Location"])
    text = page(result)
    assert "共 3 处偏离，其中 1 处涉及格式条款、责任、违约金、争议解决或个人信息" in text
    assert "下载 Word 修订稿" in text and "按对方修订后的文本比较" in text

    query = response.headers["Location"].split("?", 1)[1]
    report = json.loads(client.get(f"/compare/theirs/report.json?{query}").data)
    assert sorted(as_deviations(report)) == sorted(EXPECTED_VALUES + EXPECTED_REWORD)
    assert report["deviations"][0]["id"] == "breach.penalty"  # the penalty first, for the lawyer
    html = client.get(f"/compare/theirs/report.html?{query}")
    assert html.headers["Content-Security-Policy"] == DOCUMENT_POLICY and "作出<ins>书面</ins>答复" in page(html)
    redline = client.get(f"/compare/theirs/redline.docx?{query}")
    xml = zipfile.ZipFile(io.BytesIO(redline.data)).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and "attachment" in redline.headers["Content-Disposition"]


def test_the_unchanged_file_has_no_deviation_and_reloads_from_its_url(client):
    entry, ours = entry_and_docx(client)
    location = upload(client, entry, ours).headers["Location"]
    assert "没有偏离" in page(client.get(location))
    assert "没有偏离" in page(client.get(location))  # the URL alone names the comparison


def test_their_tracked_changes_accepted_rejected_or_shown(client):
    entry, ours = entry_and_docx(client)
    theirs = edited(track(REPLY, "作出答复", "作出书面答复", author="对方律师"), data=ours)
    shown = json.loads(client.get("/compare/theirs/report.json?"
                                  + upload(client, entry, theirs).headers["Location"].split("?", 1)[1]).data)
    assert [d["tracked_by"] for d in shown["deviations"]] == [["对方律师"]]
    rejected = upload(client, entry, theirs, "reject").headers["Location"]
    assert "没有偏离" in page(client.get(rejected))
    accepted = upload(client, entry, theirs, "accept").headers["Location"]
    assert "共 1 处偏离" in page(client.get(accepted)) and "比较前已全部接受" in page(client.get(accepted))


def test_their_text_is_shown_as_text_never_as_markup(client):
    entry, ours = entry_and_docx(client)
    # insert_after splices XML: the escaped text is what their Word file holds, <script> as characters
    theirs = edited(insert_after(REPLY, "&lt;script&gt;alert('x')&lt;/script&gt;乙方另行收取服务费。"), data=ours)
    location = upload(client, entry, theirs).headers["Location"]
    html = page(client.get(location.replace("/result?", "/report.html?")))
    assert "<script>" not in html and "&lt;script&gt;alert(" in html


@pytest.mark.parametrize(("data", "field", "status", "says"), [
    (b"%PDF-1.7 not a word file", "theirs", 422, "对方.docx：不是 Word 文档（DOCX）"),
    (None, "theirs", 400, "请选择标准合同并上传对方的 Word 文件"),
])
def test_a_bad_upload_is_one_clear_message_and_nothing_is_kept(client, tmp_path, data, field, status, says):
    entry, _ = entry_and_docx(client)
    before = sorted(p.name for p in (tmp_path / "data").rglob("*") if p.is_file())
    files = {} if data is None else {field: (io.BytesIO(data), "对方.docx")}
    response = client.post("/compare/theirs", content_type="multipart/form-data",
                           data={"standard": f"contract:{entry}", **files})
    assert response.status_code == status and says in page(response), page(response)
    assert "Traceback" not in page(response)
    assert sorted(p.name for p in (tmp_path / "data").rglob("*") if p.is_file()) == before


def test_unknown_entries_and_files_are_not_found(client):
    entry, ours = entry_and_docx(client)
    assert upload(client, 999, ours).status_code == 404
    assert client.get(f"/compare/theirs/result?standard=contract:{entry}&theirs={'0' * 64}&changes=show").status_code == 404
    assert client.get(f"/compare/theirs/result?standard=contract:{entry}&theirs=../../secret_key").status_code == 404
    location = upload(client, entry, ours).headers["Location"]
    assert client.get(location.replace("changes=show", "changes=run")).status_code == 404
