"""A real Chromium (Debian's, driven by Playwright) uses the web app as a legal assistant and a
reviewing lawyer would.

It fills the hotel form, meets a field error and corrects it, previews, follows a value back to its
field, generates, downloads the DOCX and PDF and reads their text, searches the register, makes a
second version from the first and compares the two. With ``CONTRACTGEN_SCREENSHOTS=DIR`` (``make
screenshots``) it saves a full-page screenshot of every page it visits into DIR.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from docx import Document

from tests.test_compare import edited, paragraph, retext, w
from tests.web_helpers import PASSWORD, add_account, make_app

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--lang=zh-CN", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(tmp_path):
    """The app behind waitress on a free loopback port, stopped at the end of the test."""
    from waitress import create_server

    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True, FORMATS=("docx", "pdf"), TESTING=False)
    add_account(app, "李律师助理", "drafter", team="一组")
    add_account(app, "王律师", "reviewer")
    add_account(app, "管理员甲", "admin")
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    thread.join(timeout=10)
    app.extensions["contractgen.register"].engine.dispose()


@pytest.fixture
def page():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (scripts/setup-system.sh test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60_000)  # a loaded CI machine renders PDFs slowly
        yield context.new_page()
        context.close()
        browser.close()


class Shots:
    """Full-page screenshots, numbered in visiting order, when a folder is asked for."""

    def __init__(self, page) -> None:
        self.page = page
        self.folder = Path(os.environ["CONTRACTGEN_SCREENSHOTS"]) if os.environ.get("CONTRACTGEN_SCREENSHOTS") else None
        self.count = 0

    def __call__(self, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        self.page.wait_for_timeout(300)  # the debounced live checks have answered
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        # After a full-page shot Chromium may swallow the next click on a focused form: start afresh.
        self.page.mouse.move(0, 0)
        self.page.evaluate("document.activeElement && document.activeElement.blur()")


def sign_in_as(page, server: str, name: str) -> None:
    page.goto(server + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def revalue(prefix: str, old: str, new: str):
    """Change the filled value ``old`` of the clause numbered ``prefix`` (not a digit of the clause number: 7.2's 7)."""
    def change(root) -> None:
        t = next(t for t in paragraph(root, prefix).iter(w("t")) if t.text == old)
        t.text = new
    return change


def numbers() -> dict[str, str]:
    """Clause numbers in the contract the form builds (the hotel's, without the 押金 the example has)."""
    from contractgen.compose import compose
    from contractgen.spec import parse_spec, starter_spec
    from tests.web_helpers import LIBRARY

    text = starter_spec(LIBRARY, "hotel", example=True).replace("deposit_taken: true", "deposit_taken: false")
    contract = compose(parse_spec(text.encode(), "hotel.yaml"), LIBRARY)
    return {i: contract.clause_index[i].number for i in ("evaluation.timing", "feedback.reply")}


def fill_party(page, role: str, fields: dict[str, str]) -> None:
    for key, value in fields.items():
        page.fill(f"#{role}-{key}", value)


def test_a_legal_assistant_makes_compares_and_downloads_a_hotel_contract(server, page, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    shot = Shots(page)
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("登录")
    shot("login")
    sign_in_as(page, server, "李律师助理")
    expect(page.locator("h1")).to_have_text("选择行业")
    shot("industries")
    page.click("text=酒店住宿服务反馈和评价合同")
    expect(page.locator("h1")).to_have_text("酒店住宿服务反馈和评价合同")

    page.fill("#draft_title", "浦江酒店 李明")
    page.fill("#sign_date", "2026-12-01")
    page.fill("#sign_place", "上海市浦东新区")
    expect(page.locator("#customer-credit_code")).to_be_hidden()  # a guest is a person: no credit code
    fill_party(page, "customer", {"name": "李明", "id_number": "110105199003071230", "phone": "13800138000"})
    expect(page.locator('output[data-for="customer-id_number"]')).to_have_class(re.compile("bad"))
    page.fill("#customer-id_number", "110105199003071239")
    expect(page.locator('output[data-for="customer-id_number"]')).to_have_text("身份证号码校验通过")
    fill_party(page, "provider", {"name": "上海浦江酒店管理有限公司", "credit_code": "91310106MA1FL7TX0N",
                                  "address": "上海市静安区南京西路1266号", "representative": "王建国"})
    expect(page.locator('output[data-for="provider-credit_code"]')).to_have_text("统一社会信用代码校验通过")
    page.fill("#values-service_items", "标准双床房住宿服务（1间）")
    page.fill("#values-price", "880")
    page.fill("#values-privacy_contact_email", "privacy@pujiang-hotel.cn")  # the default is a placeholder
    page.fill("#values-penalty_amount", "12800")
    expect(page.locator('output[data-for="values-penalty_amount"]')).to_contain_text("壹万贰仟捌佰元整")
    page.fill("#values-term_years", "99")
    shot("form")

    with page.expect_navigation():
        page.click("button[value=preview]")
    error = page.locator("#error-values-term_years")
    expect(error).to_contain_text("30")
    expect(page.locator(".problems h2")).to_have_text("有 1 处需要更正")
    shot("form-error")
    page.fill("#values-term_years", "3")
    page.click("button[value=preview]")

    expect(page.locator("h1")).to_contain_text("预览")
    frame = page.frame_locator("iframe.document")
    expect(frame.locator('.v[data-var="customer.name"]').first).to_have_text("李明")
    shot("preview")
    frame.locator('.v[data-var="term_years"]').first.click()
    page.wait_for_url(re.compile(r"/drafts/\d+#values-term_years$"))
    expect(page.locator("#values-term_years")).to_be_focused()
    page.go_back()

    page.click("text=生成 Word 和 PDF")
    expect(page.locator(".flash")).to_contain_text("已生成并登记入合同台账")
    number = re.search(r"HT-HOTEL-\d{4}-\d{4}", page.locator("h1").inner_text()).group(0)
    shot("entry")
    with page.expect_download() as download:
        page.click('a[href$="/files/contract.docx"]')
    docx = Path(download.value.path()).read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert number in text and "李明" in text and "壹万贰仟捌佰元整" in text
    with page.expect_download() as download:
        page.click('a[href$="/files/contract.pdf"]')
    if shutil.which("pdftotext"):
        pdf_text = subprocess.run(["pdftotext", download.value.path(), "-"], capture_output=True, text=True).stdout
        assert number in pdf_text and "上海浦江酒店管理有限公司" in pdf_text.replace(" ", "")

    page.click("text=以此为模板新建")
    expect(page.locator(".flash")).to_contain_text("已复制合同")
    page.fill("#values-term_years", "5")
    page.click("button[value=generate]")
    expect(page.locator(".flash")).to_contain_text("已生成")

    page.click("nav >> text=合同台账")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    page.fill("#number", number)
    page.click("button:has-text('查询')")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    page.fill("#number", "")
    shot("register")

    page.click("nav >> text=比较")
    options = page.locator("#old option[value^='contract:']")
    expect(options).to_have_count(2)
    values = [options.nth(i).get_attribute("value") for i in range(2)]
    page.select_option("#old", sorted(values)[0])
    page.select_option("#new", sorted(values)[1])
    shot("compare")
    page.click("form.compare button[type=submit]")
    expect(page.locator(".lead")).to_contain_text("处修订")
    redline = page.frame_locator("iframe.document")
    expect(redline.locator("ins").first).to_be_visible()
    shot("compare-result")
    with page.expect_download() as download:
        page.click("text=下载 Word 修订版（DOCX）")
    assert Path(download.value.path()).read_bytes().startswith(b"PK")

    # The customer sends the first contract back with the evaluation period changed and 2.2 reworded.
    theirs = tmp_path / "客户修改稿.docx"
    clause = numbers()
    theirs.write_bytes(edited(revalue(clause["evaluation.timing"], "7", "30"),
                              retext(clause["feedback.reply"], "作出答复", "作出书面答复"), data=docx))
    page.click("nav >> text=比较")
    page.click("text=对方发回的 Word 修改稿")
    page.select_option("#standard", page.locator("#standard option", has_text=number).get_attribute("value"))
    page.set_input_files("#theirs", str(theirs))
    shot("theirs")
    page.click("form.compare button[type=submit]")
    expect(page.locator(".lead")).to_contain_text("共 2 处偏离")
    report = page.frame_locator("iframe.document")
    expect(report.locator("code", has_text="evaluation_days")).to_be_visible()
    expect(report.locator("ins", has_text="书面")).to_be_visible()
    shot("theirs-result")
    with page.expect_download() as download:
        page.click("text=下载 Word 修订稿")
    assert Path(download.value.path()).read_bytes().startswith(b"PK")

    page.click("nav >> text=草稿")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    shot("drafts")


def test_a_returned_contract_is_corrected_approved_and_downloaded_unmarked(server, page, tmp_path):
    """起草人 generates, 审核律师 returns it with a comment, the drafter corrects and resubmits, the
    reviewer approves, the drafter downloads the PDF without the 未经审核 mark; an admin reads the trail."""
    from playwright.sync_api import expect

    from contractgen.spec import starter_spec
    from tests.test_web_layers import good_layer
    from tests.web_helpers import LIBRARY

    expect.set_options(timeout=60_000)
    shot = Shots(page)
    sign_in_as(page, server, "李律师助理")
    spec = tmp_path / "浦江酒店.yaml"
    spec.write_text(starter_spec(LIBRARY, "hotel", example=True), encoding="utf-8")
    page.click("nav >> text=草稿")
    page.set_input_files("input[name=spec]", str(spec))
    page.click("text=上传并新建草稿")
    expect(page.locator(".flash")).to_contain_text("浦江酒店.yaml")
    page.click("button[value=generate]")
    expect(page.locator(".status")).to_have_text("待审核")
    number = re.search(r"HT-HOTEL-\d{4}-\d{4}", page.locator("h1").inner_text()).group(0)
    entry_url = page.url
    with page.expect_download() as download:
        page.click('a[href$="/files/contract.pdf"]')
    marked = download.value.path()
    if shutil.which("pdftotext"):
        assert "未经审核" in subprocess.run(["pdftotext", marked, "-"], capture_output=True, text=True).stdout

    reviewer = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    reviewer.set_default_timeout(60_000)
    lawyer = reviewer.new_page()
    lawyer_shot = Shots(lawyer)
    lawyer_shot.count = 50
    sign_in_as(lawyer, server, "王律师")
    expect(lawyer.locator("h1")).to_have_text("合同台账")
    expect(lawyer.locator("table.list tbody tr")).to_have_count(1)
    lawyer_shot("review-queue")
    lawyer.click(f"text={number}")
    lawyer_shot("review-entry")
    lawyer.fill("#comment", "第六条违约金过高，请改为人民币 5000 元。")
    lawyer.click("button:has-text('退回修改')")
    expect(lawyer.locator(".flash")).to_contain_text("已退回")

    page.goto(entry_url)
    expect(page.locator(".status")).to_have_text("退回")
    expect(page.locator("#review-comment")).to_have_text("第六条违约金过高，请改为人民币 5000 元。")
    shot("returned")
    page.click("text=按意见修改")
    expect(page.locator(".review .comment")).to_contain_text("违约金过高")
    page.fill("#values-penalty_amount", "5000")
    shot("revising")
    page.click("button[value=generate]")
    expect(page.locator(".flash")).to_contain_text("第 2 版")
    expect(page.locator(".status")).to_have_text("待审核")

    lawyer.goto(entry_url)
    expect(lawyer.locator(".muted").first).to_contain_text("第 2 版")
    lawyer.click("button:has-text('批准')")
    expect(lawyer.locator(".status")).to_have_text("已批准")
    lawyer_shot("approved")
    reviewer.close()

    page.goto(entry_url)
    expect(page.locator(".status")).to_have_text("已批准")
    shot("approved-drafter")
    with page.expect_download() as download:
        page.click('a[href$="/files/contract.pdf"]')
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", download.value.path(), "-"], capture_output=True, text=True).stdout
        assert number in text and "未经审核" not in text and "伍仟元整" in text
    page.click("header button:has-text('退出')")
    expect(page.locator(".flash")).to_contain_text("您已退出登录")

    sign_in_as(page, server, "管理员甲")
    expect(page.locator("h1")).to_have_text("用户")
    shot("users")
    page.click("nav >> text=审计日志")
    page.select_option("#action", "returned")
    page.click("button:has-text('查询')")
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    expect(page.locator("table.audit tbody tr")).to_contain_text("王律师")
    page.select_option("#action", "")
    page.click("button:has-text('查询')")
    shot("audit")
    page.click("nav >> text=条款库")
    shot("layers")
    layer = tmp_path / "公司条款.zip"
    layer.write_bytes(good_layer())
    page.set_input_files("#layer", str(layer))
    page.click("button:has-text('上传并检查')")
    expect(page.locator(".flash")).to_contain_text("已通过检查")
    expect(page.frame_locator("iframe.document").locator("ins").first).to_contain_text("上门服务")
    shot("layer")


def test_a_legal_assistant_generates_a_batch_from_a_sheet(server, page, tmp_path):
    from playwright.sync_api import expect

    from contractgen.batch.columns import columns
    from tests.batch_sheets import customer_rows, grid, write_xlsx
    from tests.web_helpers import LIBRARY

    expect.set_options(timeout=120_000)
    shot = Shots(page)
    rows = customer_rows(LIBRARY, "hotel", 3)
    rows[1]["sign_date"] = "三月一日"
    sheet = write_xlsx(tmp_path / "三月客户.xlsx", grid(list(columns(LIBRARY, "hotel")), rows))
    sign_in_as(page, server, "李律师助理")
    page.click("nav >> text=批量生成")
    expect(page.locator("h1")).to_have_text("批量生成合同")
    with page.expect_download() as download:
        page.click("ul.templates >> text=酒店服务")
    assert Path(download.value.path()).read_bytes().startswith(b"PK")
    page.select_option("#industry", "hotel")
    page.set_input_files("#sheet", str(sheet))
    shot("batch-upload")
    page.click("text=上传并检查")
    expect(page.locator(".lead")).to_have_text("三月客户.xlsx（酒店服务）：共 3 行，2 行可以生成，1 行有误。")
    expect(page.locator("table.rows tbody tr")).to_have_count(1)
    expect(page.locator("table.rows tbody td").nth(2)).to_have_text("签订日期")
    shot("batch-check")
    page.click("text=生成 2 份合同")
    expect(page.locator("h1")).to_have_text("批量生成进度")
    expect(page.locator(".flash")).to_have_text("已完成：2 份合同已记入合同台账。")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    shot("batch-done")
    with page.expect_download() as download:
        page.click("text=下载全部合同（ZIP，含报告）")
    import zipfile

    names = zipfile.ZipFile(download.value.path()).namelist()
    assert names[0] == "报告.xlsx" and len([n for n in names if n.endswith("/contract.pdf")]) == 2
    page.click("text=查看合同台账")
    expect(page.locator("table.list tbody tr")).to_have_count(2)


def test_the_hotel_form_offers_each_customer_type_only_what_its_contract_takes(server, page):
    """A guest (a person) makes a consumer contract: the objection period shows and the hotel's own
    court is not offered (void against a consumer); a company guest makes a business contract: the
    period goes (disabled, not posted), the court comes back; the preview of the company's contract works."""
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    shot = Shots(page)
    sign_in_as(page, server, "李律师助理")
    page.click("text=酒店住宿服务反馈和评价合同")
    customer = page.locator("#customer-type")
    objection = page.locator(".field", has=page.locator("#values-removal_objection_days"))
    court = page.locator("#values-court")
    seat = court.locator('option[value="乙方住所地"]')
    expect(customer).to_have_value("person")

    def consumer() -> None:
        expect(objection).to_be_visible()
        expect(page.locator("#values-removal_objection_days")).to_be_enabled()
        expect(seat).to_be_disabled()
        expect(seat).to_have_js_property("hidden", True)
        expect(court.locator('option[value="合同签订地"]')).to_be_disabled()
        expect(court.locator('option[value="合同履行地"]')).to_be_enabled()

    consumer()
    shot("form-consumer")
    customer.select_option("organization")
    expect(objection).to_be_hidden()
    expect(page.locator("#values-removal_objection_days")).to_be_disabled()
    expect(seat).to_be_enabled()
    expect(seat).to_have_js_property("hidden", False)
    court.select_option("乙方住所地")
    shot("form-business")
    customer.select_option("person")
    consumer()
    expect(court).to_have_value("甲方住所地")  # the void choice gave way to the consumer's domicile
    customer.select_option("organization")
    expect(objection).to_be_hidden()
    court.select_option("乙方住所地")

    page.fill("#sign_date", "2026-12-01")
    fill_party(page, "customer", {"name": "上海浦东会展服务有限公司", "credit_code": "91310115MA1K4BCD16",
                                  "representative": "陈立", "phone": "021-50001234"})
    fill_party(page, "provider", {"name": "上海浦江酒店管理有限公司", "credit_code": "91310106MA1FL7TX0N",
                                  "address": "上海市静安区南京西路1266号", "representative": "王建国"})
    page.fill("#values-service_items", "会议团队客房（20间）")
    page.fill("#values-price", "35200")
    page.fill("#values-privacy_contact_email", "privacy@pujiang-hotel.cn")
    with page.expect_navigation():
        page.click("button[value=preview]")
    expect(page.locator("h1")).to_contain_text("预览")
    frame = page.frame_locator("iframe.document")
    expect(frame.locator('.v[data-var="customer.name"]').first).to_have_text("上海浦东会展服务有限公司")
    expect(frame.locator('.v[data-var="court"]').first).to_have_text("乙方住所地")
    expect(frame.locator("body")).not_to_contain_text("日内提出异议")
    shot("preview-business")
