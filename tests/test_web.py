"""The web app through Flask's test client: every route, its status code and what the page says."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from contractgen.web.security import DOCUMENT_POLICY
from tests.web_helpers import LIBRARY, add_account, example, form_post, make_app, sign_in, signed_in

WEB = Path(__file__).resolve().parents[1] / "src" / "contractgen" / "web"


@pytest.fixture
def client(app):
    return signed_in(app)


def page(response) -> str:
    return response.get_data(as_text=True)


def saved_draft(client, spec=None, title="测试草稿") -> int:
    response = client.post("/industries/hotel/new", data=form_post(spec or example(), "save", title))
    assert response.status_code == 302
    return int(re.search(r"/drafts/(\d+)$", response.headers["Location"]).group(1))


def generated(client, spec=None) -> int:
    draft = saved_draft(client, spec)
    response = client.post(f"/drafts/{draft}/generate")
    assert response.status_code == 302, page(response)
    return int(re.search(r"/register/(\d+)$", response.headers["Location"]).group(1))


# --- pages ---------------------------------------------------------------------------------------

def test_industries_page_lists_every_industry_in_chinese(client):
    text = page(client.get("/"))
    for industry in LIBRARY.industries:
        assert industry.title in text and f"/industries/{industry.id}/new" in text
    assert "甲方：客人；乙方：酒店" in text and "附件：酒店住宿服务评价表、隐私保护政策" in text


@pytest.mark.parametrize("industry", [i.id for i in LIBRARY.industries])
def test_every_industry_form_has_a_field_for_every_variable(client, industry):
    response = client.get(f"/industries/{industry}/new")
    assert response.status_code == 200
    text = page(response)
    for variable in LIBRARY.variables_for(industry):
        assert f'name="values-{variable.name}"' in text, variable.name
        assert variable.label in text


def test_widgets_follow_the_variable_types(client):
    text = page(client.get("/industries/hotel/new"))
    penalty = re.search(r'<input[^>]*id="values-penalty_amount"[^>]*>', text).group(0)
    assert 'type="number"' in penalty and 'data-money="1"' in penalty and 'max="100000000"' in penalty
    assert re.search(r'<select[^>]*id="values-court"', text)
    assert re.search(r'<input[^>]*id="values-hotel_pet_policy"[^>]*role="switch"[^>]*type="checkbox"', text) or \
        re.search(r'<input[^>]*checked[^>]*id="values-hotel_pet_policy"[^>]*role="switch"', text)
    assert re.search(r'<input[^>]*id="values-privacy_contact_email"[^>]*maxlength="80"', text)
    bodies = re.search(r'<select[^>]*id="values-arbitration_commission".*?</select>', text, re.S).group(0)
    assert "深圳国际仲裁院" in bodies and "上海国际仲裁中心" in bodies  # the registry's bodies, no free text
    assert re.search(r'<input[^>]*id="sign_date"[^>]*type="date"', text)
    assert re.search(r'<input[^>]*id="values-term_years"[^>]*value="1"', text)  # the default, filled in
    assert 'name="choose-dispute" type="radio" value="arbitration"' in text
    assert 'name="include" value="anonymous-evaluation"' in text and "查看条款全文" in text
    assert re.search(r'name="annexes" value="privacy-policy" id="annexes-privacy-policy" checked', text)


def test_english_on_request(client):
    response = client.get("/?lang=en")
    assert "Choose an industry" in page(response) and "lang=en" in response.headers["Set-Cookie"]
    assert "Choose an industry" in page(client.get("/"))  # the cookie keeps it


def test_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/industries/nope/new", "/drafts/999", "/drafts/999/preview", "/register/999",
                                 "/register/999/files.zip", "/compare/result?old=draft:1&new=draft:999", "/api/check?kind=x"])
def test_missing_things_are_a_chinese_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "找不到页面" in page(response)


def test_wrong_method_is_explained(client):
    response = client.get("/drafts/1/generate")
    assert response.status_code == 405 and "不能这样打开" in page(response)


# --- drafts --------------------------------------------------------------------------------------

def test_save_reopen_and_edit_drafts(client):
    first = saved_draft(client, title="浦江酒店 2027")
    saved_draft(client, title="另一份")
    text = page(client.get(f"/drafts/{first}"))
    assert "浦江酒店 2027" in text and 'value="上海浦江酒店管理有限公司"' in text and 'value="110105199003071239"' in text
    changed = form_post(dict(example(), sign_place="杭州市西湖区"), "save", "浦江酒店 2027（改）")
    response = client.post(f"/drafts/{first}", data=changed, follow_redirects=True)
    assert "草稿“浦江酒店 2027（改）”已保存。" in page(response) and 'value="杭州市西湖区"' in page(response)
    listing = page(client.get("/drafts"))
    assert "浦江酒店 2027（改）" in listing and "另一份" in listing
    response = client.post(f"/drafts/{first}/delete", follow_redirects=True)
    assert "已删除" in page(response) and "浦江酒店 2027（改）</a>" not in page(response)


def test_a_problem_is_shown_at_its_field_in_chinese(client):
    bad = example()
    bad["parties"]["provider"]["credit_code"] = "91310106MA1FL7TX0X"
    bad["values"]["term_years"] = "99"
    response = client.post("/industries/hotel/new", data=form_post(bad, "preview"))
    assert response.status_code == 422
    text = page(response)
    assert "有 2 处需要更正" in text
    credit = re.search(r'<p class="error" id="error-provider-credit_code"[^>]*>([^<]+)</p>', text).group(1)
    assert "统一社会信用代码" in credit and "got" not in credit
    term = re.search(r'<p class="error" id="error-values-term_years"[^>]*>([^<]+)</p>', text).group(1)
    assert "30" in term
    assert 'value="91310106MA1FL7TX0X"' in text  # what was typed stays, to be corrected


def test_generating_an_incomplete_contract_names_the_missing_fields(client):
    draft = saved_draft(client, dict(example(), sign_date=""))
    response = client.post(f"/drafts/{draft}/generate")
    assert response.status_code == 422
    assert re.search(r'id="error-sign_date"', page(response))
    assert page(client.get("/register")).count("/register/") == 0 or "没有符合条件的合同" in page(client.get("/register"))


def test_preview_shows_the_html_with_values_linked_to_fields(client):
    response = client.post("/industries/hotel/new", data=form_post(example(), "preview"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")
    preview = page(client.get(response.headers["Location"]))
    assert "<iframe" in preview and "data-edit-url" in preview and "黄色底纹" in preview
    draft = re.search(r"/drafts/(\d+)/document", preview).group(1)
    document = client.get(f"/drafts/{draft}/document")
    assert document.headers["Content-Security-Policy"] == DOCUMENT_POLICY
    assert 'data-var="term_years"' in page(document) and "上海浦江酒店管理有限公司" in page(document)


def test_preview_of_a_draft_lists_its_blanks(client):
    spec = example()
    del spec["values"]["arbitration_commission"]
    draft = saved_draft(client, dict(spec, choose={"dispute": "arbitration"}))
    text = page(client.get(f"/drafts/{draft}/preview"))
    assert "尚有 1 项未填写：仲裁机构名称" in text


def test_user_text_is_escaped(client):
    spec = example()
    spec["parties"]["provider"]["name"] = "<script>alert(1)</script>有限公司"
    draft = saved_draft(client, spec)
    assert "<script>alert(1)" not in page(client.get(f"/drafts/{draft}"))
    assert "<script>alert(1)" not in page(client.get(f"/drafts/{draft}/document"))


# --- generate and the register -------------------------------------------------------------------

def test_generate_docx_pdf_and_annexes_into_the_register(tmp_path):
    app = make_app(tmp_path / "data", FORMATS=("docx", "pdf"))
    client = signed_in(app)
    entry = generated(client)
    text = page(client.get(f"/register/{entry}"))
    assert "HT-HOTEL-" in text and "合同正文" in text and "隐私保护政策" in text and "酒店住宿服务评价表" in text
    number = re.search(r"HT-HOTEL-\d{4}-\d{4}", text).group(0)
    docx = client.get(f"/register/{entry}/files/contract.docx")
    assert docx.status_code == 200 and number in docx.headers["Content-Disposition"]
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert number in body and "上海浦江酒店管理有限公司" in body
    pdf = client.get(f"/register/{entry}/files/contract.pdf")
    assert pdf.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        (tmp_path / "c.pdf").write_bytes(pdf.data)
        extracted = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True).stdout
        assert "上海浦江酒店管理有限公司" in extracted.replace(" ", "")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/register/{entry}/files.zip").data))
    assert {f"{number}/contract.docx", f"{number}/contract.pdf", f"{number}/annexes/privacy-policy.pdf",
            f"{number}/manifest.json"} <= set(archive.namelist())
    manifest = json.loads(client.get(f"/register/{entry}/manifest.json").data)
    assert manifest["library"]["layer_sha256"]["builtin"] and len(manifest["files"]) == 6
    spec = yaml.safe_load(client.get(f"/register/{entry}/spec.yaml").data.decode("utf-8"))
    assert spec["contract_no"] == number and spec["parties"]["customer"]["name"] == "李明"
    assert client.get(f"/register/{entry}/files/nothing.pdf").status_code == 404
    app.extensions["contractgen.register"].engine.dispose()


def test_register_search_by_number_party_and_date(client):
    hotel = generated(client)
    later = example("software")
    later["sign_date"] = "2027-03-15"
    response = client.post("/industries/software/new", data=form_post(later, "generate"))
    assert response.status_code == 302
    assert "已生成并登记入合同台账" in page(client.get(response.headers["Location"]))

    def found(query: str) -> list[str]:
        return re.findall(r'<td><a href="/register/(\d+)">', page(client.get(f"/register?{query}")))

    assert found("number=HOTEL") == [str(hotel)]
    assert len(found("party=云帆")) == 1 and found("party=云帆") != [str(hotel)]
    assert found("date_from=2027-01-01") == found("party=云帆")
    assert found("date_to=2026-12-31") == [str(hotel)]
    assert "没有符合条件的合同" in page(client.get("/register?party=无此公司"))


def test_new_draft_from_an_entry(client):
    entry = generated(client)
    response = client.post(f"/register/{entry}/new-draft", follow_redirects=True)
    text = page(response)
    assert "已复制合同" in text and 'value="上海浦江酒店管理有限公司"' in text
    again = client.post(re.search(r'action="(/drafts/\d+)"', text).group(1), data=form_post(example(), "generate"))
    assert again.status_code == 302 and again.headers["Location"] != f"/register/{entry}"


# --- spec YAML in and out ------------------------------------------------------------------------

def test_spec_download_and_upload_round_trip(client):
    draft = saved_draft(client)
    spec_text = client.get(f"/drafts/{draft}/spec.yaml").data
    assert "李明" in spec_text.decode("utf-8")  # Chinese kept readable
    response = client.post("/drafts/upload", data={"spec": (io.BytesIO(spec_text), "浦江.yaml")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "已从“浦江.yaml”新建草稿" in page(response) and 'value="李明"' in page(response)


def test_a_broken_upload_names_line_and_problem(client):
    response = client.post("/drafts/upload", data={"spec": (io.BytesIO(b"industry: hotel\nvalues: [\n"), "bad.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "bad.yaml:" in page(response)
    assert client.post("/drafts/upload", data={}, content_type="multipart/form-data").status_code == 400


# --- compare -------------------------------------------------------------------------------------

def test_compare_two_entries_as_redline_and_tracked_changes(client):
    old = generated(client)
    changed = example()
    changed["values"]["term_years"] = "5"
    new = generated(client, changed)
    response = client.post("/compare", data={"old": f"contract:{old}", "new": f"contract:{new}"})
    assert response.status_code == 302
    result = page(client.get(response.headers["Location"]))
    assert "处修订" in result and "redline.docx" in result
    query = response.headers["Location"].split("?", 1)[1]
    html = client.get(f"/compare/redline.html?{query}")
    assert html.headers["Content-Security-Policy"] == DOCUMENT_POLICY and "<del" in page(html)
    docx = client.get(f"/compare/redline.docx?{query}")
    assert b"word/document.xml" in docx.data
    assert b"w:ins" in zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml")


def test_compare_drafts_and_uploads(client):
    a, b = saved_draft(client), saved_draft(client, dict(example(), sign_place="杭州市"))
    response = client.post("/compare", data={"old": f"draft:{a}", "new": f"draft:{b}"}, follow_redirects=True)
    assert "杭州市" in page(client.get(f"/compare/redline.html?old=draft:{a}&new=draft:{b}")) and response.status_code == 200
    one = client.get(f"/drafts/{a}/spec.yaml").data
    two = client.get(f"/drafts/{b}/spec.yaml").data
    response = client.post("/compare", data={"old_file": (io.BytesIO(one), "a.yaml"), "new_file": (io.BytesIO(two), "b.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "old=upload" in response.headers["Location"], page(response)
    assert client.get(response.headers["Location"]).status_code == 200
    assert "请选择两个版本" in page(client.post("/compare", data={"old": f"draft:{a}"}))


# --- the small APIs the form uses ------------------------------------------------------------------

def test_money_words_and_identity_checks(client):
    assert client.get("/api/money-words?amount=12800").json["text"] == "人民币（大写）壹万贰仟捌佰元整（¥12,800.00）"
    assert client.get("/api/money-words?amount=abc").json["ok"] is False
    assert client.get("/api/check?kind=credit_code&value=91310106MA1FL7TX0N").json == {
        "ok": True, "message": "统一社会信用代码校验通过"}
    bad = client.get("/api/check?kind=id_number&value=110105199003071230").json
    assert bad["ok"] is False and bad["message"]


# --- CSRF and the catalogs -------------------------------------------------------------------------

def test_a_post_without_its_csrf_token_is_refused(tmp_path):
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    add_account(app, "li", "drafter")
    login = page(client.get("/login"))
    sign_in(client, "li", csrf=re.search(r'name="csrf_token" value="([^"]+)"', login).group(1))
    form = page(client.get("/industries/hotel/new"))
    assert 'name="csrf_token"' in form
    response = client.post("/industries/hotel/new", data=form_post(example()))
    assert response.status_code == 400 and "表单已过期" in page(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post("/industries/hotel/new", data={**form_post(example()), "csrf_token": token}).status_code == 302
    app.extensions["contractgen.register"].engine.dispose()


def test_every_page_text_is_in_both_catalogs():
    from tests.test_i18n import catalog

    zh, en = catalog("zh"), catalog("en")
    ids = set()
    for path in WEB.rglob("*"):
        if path.suffix in (".html", ".py"):
            ids |= set(re.findall(r"""\bt(?:ext)?\(\s*["'](web\.[a-z0-9.-]*[a-z0-9])["']""", path.read_text(encoding="utf-8")))
    assert len(ids) > 80
    assert not ids - zh.keys() and not ids - en.keys(), sorted(ids - zh.keys())
    made = {f"web.error.{n}{s}" for n in ("csrf", "not-found", "not-allowed", "too-large", "unprocessable",
                                           "bad-request", "internal") for s in ("", "-title")}
    assert not made - zh.keys()


def test_serve_starts_waitress_on_loopback(tmp_path):
    process = subprocess.Popen([str(Path(sys.executable).parent / "contractgen"), "serve", "--port", "0",
                                "--data-dir", str(tmp_path / "data")], stderr=subprocess.PIPE, text=True,
                               env={"PATH": "/usr/bin:/bin", "CONTRACTGEN_LANG": "zh", "HOME": str(tmp_path)})
    try:
        line = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=30) as response:  # follows the redirect to the sign-in page
            shown = response.read().decode("utf-8")
            assert "登录" in shown and "contractgen users add admin --role admin" in shown
        assert (tmp_path / "data" / "register.sqlite3").is_file()
    finally:
        process.terminate()
        process.wait(timeout=30)
