"""批量生成 through Flask's test client: upload a sheet, see its problems row by row, generate the good
rows in a background job into the register, download every contract as one ZIP with the report."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest

from contractgen.batch.columns import columns
from contractgen.register.contracts import search
from tests.batch_sheets import csv_bytes, customer_rows, grid
from tests.web_helpers import LIBRARY, make_app, signed_in

FIELDS = list(columns(LIBRARY, "hotel"))


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path / "data")
    yield app
    app.extensions["contractgen.register"].engine.dispose()


@pytest.fixture
def client(app):
    return signed_in(app, "li", "drafter", team="一组")


def page(response) -> str:
    return response.get_data(as_text=True)


def sheet(rows: list[dict]) -> bytes:
    return csv_bytes(grid(FIELDS, rows), "gb18030")


def upload(client, data: bytes, name: str = "客户.csv", industry: str = "hotel"):
    return client.post("/batch", data={"industry": industry, "sheet": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def hidden_fields(text: str) -> dict[str, str]:
    """The check page's form, as the button posts it."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text))


def finished(client, location: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = page(client.get(location))
        if 'http-equiv="refresh"' not in text:
            return text
        time.sleep(0.2)
    raise AssertionError("the batch job did not finish")


def test_the_upload_page_offers_every_industry_and_its_template(client) -> None:
    text = page(client.get("/batch"))
    assert "批量生成合同" in text and 'name="sheet"' in text and "酒店服务" in text
    response = client.get("/batch/template/hotel.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get("/batch/template/nonsense.xlsx").status_code == 404


def test_a_sheet_is_checked_row_by_row_then_its_good_rows_go_into_the_register(app, client) -> None:
    rows = customer_rows(LIBRARY, "hotel", 4)
    rows[2]["parties.customer.id_number"] = "110105199003071238"
    response = upload(client, sheet(rows))
    assert response.status_code == 302
    check = page(client.get(response.headers["Location"]))
    assert "客户.csv（酒店服务）：共 4 行，3 行可以生成，1 行有误。" in check
    assert re.search(r"<td rowspan=\"1\">4</td><td rowspan=\"1\">客户0003</td>\s*<td>甲方身份证号码</td>"
                     r"<td>身份证号码“110105199003071238”有误", check)
    assert "生成 3 份合同" in check

    started = client.post("/batch/start", data=hidden_fields(check))
    assert started.status_code == 302
    done = finished(client, started.headers["Location"])
    assert "已完成：3 份合同已记入合同台账。" in done and "<progress" in done
    assert "第 4 行，“甲方身份证号码”" in done

    entries = search(app.extensions["contractgen.register"])
    assert sorted(e.customer_name for e in entries) == ["客户0001", "客户0002", "客户0004"]
    assert {(e.created_by, e.team, e.status) for e in entries} == {("li", "一组", "pending")}
    numbers = sorted(e.contract_no for e in entries)
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"] and all(n.startswith("HT-HOTEL-") for n in numbers)

    job = started.headers["Location"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job}/contracts.zip").data))
    names = archive.namelist()
    assert names[0] == "报告.xlsx"
    assert {n.split("/")[0] for n in names[1:]} == set(numbers)
    assert f"{numbers[0]}/contract.md" in names and f"{numbers[0]}/manifest.json" in names
    from python_calamine import CalamineWorkbook

    report = CalamineWorkbook.from_filelike(io.BytesIO(client.get(f"{job}/report.xlsx").data)) \
        .get_sheet_by_index(0).to_python()
    assert [(int(r[0]), r[1], r[2]) for r in report[1:]] == [
        (2, "已生成", numbers[0]), (3, "已生成", numbers[1]), (4, "有误", "PJ-2026-0003"), (5, "已生成", numbers[2])]


def test_a_sheet_that_cannot_be_read_is_said_at_once_and_not_kept(app, client) -> None:
    response = upload(client, "甲方名字\n李明\n".encode(), "rows.csv")
    assert response.status_code == 422
    assert "第 A 列的表头“甲方名字”不是本行业合同的字段" in page(response)
    assert not [p for p in (app.config["DATA_DIR"] / "files").rglob("*") if p.is_file()]
    assert upload(client, b"", "rows.csv", industry="").status_code == 400


def test_a_job_is_only_its_starters(app, client) -> None:
    response = upload(client, sheet(customer_rows(LIBRARY, "hotel", 1)))
    job = client.post("/batch/start", data=hidden_fields(page(client.get(response.headers["Location"])))).headers["Location"]
    finished(client, job)
    colleague = signed_in(app, "zhao", "drafter", team="一组")
    assert colleague.get(job).status_code == 404 and colleague.get(f"{job}/contracts.zip").status_code == 404
    assert app.test_client().get(job).status_code == 302  # nobody signed in: to the sign-in page


def test_unknown_sheets_and_jobs_are_404(client) -> None:
    assert client.get("/batch/check?sheet=" + "0" * 64 + "&industry=hotel").status_code == 404
    assert client.get("/batch/check?sheet=../x&industry=hotel").status_code == 404
    assert client.get("/batch/jobs/nothing").status_code == 404
    assert client.get("/batch/jobs/nothing/contracts.zip").status_code == 404
