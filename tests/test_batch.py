"""`contractgen batch ROWS -o OUT`: one contract per row of a spreadsheet, every row checked first.

The acceptance sheet of issue 17: 200 customers, 5 rows wrong on purpose, read from XLSX and from
a GB18030 CSV; 195 contracts whose folders are byte-identical to single builds of their row specs,
a report naming the 5 rows and their columns. Then the pieces a user meets one at a time: headers
by key or label, the template's key row, encodings, dates, nothing written when a row is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contractgen.batch.columns import column_letter, columns
from contractgen.batch.sheet import read_sheet
from contractgen.cli import cli
from contractgen.library import load_library
from tests.bad_input_cases import tree
from tests.batch_sheets import csv_bytes, customer_rows, grid, write_xlsx

LIBRARY = load_library()
FIELDS = list(columns(LIBRARY, "hotel"))
BY_KEY = ("values.term_years", "parties.customer.phone", "sign_place")
WRONG = {  # row index → (field, bad value)
    17: ("parties.customer.id_number", "110105199003071238"),
    58: ("choose.dispute", "调解"),
    101: ("parties.customer.name", None),
    143: ("sign_date", "三月一日"),
    188: ("values.penalty_amount", "10000元（大写：壹仟元整）"),
}


def invoke(*args: object, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True, env={"CONTRACTGEN_LANG": lang})


def acceptance_rows() -> list[dict]:
    rows = customer_rows(LIBRARY, "hotel", 200)
    for i, row in enumerate(rows):
        if i % 3 == 1:
            row["sign_date"] = "2026年12月1日"  # text dates as people type them, beside date cells
    for index, (key, value) in WRONG.items():
        rows[index][key] = value
    return rows


def report_rows(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_two_hundred_rows_five_wrong_give_195_contracts_as_single_builds_give_them(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cells = grid(FIELDS, acceptance_rows(), BY_KEY)
    write_xlsx(tmp_path / "rows.xlsx", cells)
    Path("rows.csv").write_bytes(csv_bytes(cells, "gb18030"))

    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md",
                    "--keep-going", "-j", "2")
    assert result.exit_code == 1, result.output  # rows left out
    assert result.stdout == "out: 195 contracts, 781 files; the report is 报告.xlsx\n"
    assert result.stderr.splitlines() == [
        "error: rows.xlsx row 19, \"甲方身份证号码\": 身份证号码 '110105199003071238' is invalid: "
        "check character should be '9', got '8'",
        "error: rows.xlsx row 60, \"争议解决\": unknown choice '调解'; one of: litigation, arbitration",
        'error: rows.xlsx row 103, "甲方姓名": is required for a person',
        "error: rows.xlsx row 145, \"签订日期\": must be a real date like 2026-12-01, got '三月一日'",
        'error: rows.xlsx row 190, "违约金（元）": the amount in figures (10000) and in words (壹仟元整, that is 1000) differ',
        "5 rows are wrong and were left out; out/报告.xlsx says why, row by row",
    ]
    folders = sorted(p.name for p in Path("out").iterdir() if p.is_dir() and p.name != "规格")
    assert len(folders) == 195 and folders[0] == "0002-客户0001" and "0019-客户0018" not in folders

    report = report_rows(Path("out/报告.xlsx"))
    assert report[0][:6] == ["行号", "状态", "合同编号", "甲方", "输出文件夹", "问题"]
    wrong = {int(r[0]): r[5] for r in report[1:] if r[1] == "有误"}
    assert sorted(wrong) == [19, 60, 103, 145, 190]
    assert wrong[19].startswith("“甲方身份证号码”：") and wrong[145].startswith("“签订日期”：")
    assert len([r for r in report[1:] if r[1] == "已生成"]) == 195
    paths = report[0][6:]
    assert paths == ["contract.md", "annexes/hotel-evaluation-form.md", "annexes/privacy-policy.md"]
    assert report[1][6:] == [json.loads(Path("out/0002-客户0001/manifest.json").read_text())["files"][i]["sha256"]
                             for i in range(3)]

    # Every folder is what a build of its row's spec writes, byte for byte (``build A B …`` writes
    # what single builds write: tests/test_build_many.py).
    specs = sorted(Path("out/规格").iterdir())
    assert [p.stem for p in specs] == folders
    single = invoke("build", *specs, "-o", "single", "--format", "md", "-j", "1")
    assert single.exit_code == 0, single.output
    for folder in folders:
        assert tree(Path("single") / folder) == tree(Path("out") / folder), folder

    # The same rows as a GB18030 CSV (what Excel in China saves) give the same contracts and report.
    from_csv = invoke("batch", "rows.csv", "--industry", "hotel", "-o", "csv-out", "--format", "md",
                      "--keep-going", "-j", "1")
    assert from_csv.exit_code == 1
    assert from_csv.stderr == result.stderr.replace("rows.xlsx", "rows.csv").replace("out/报告", "csv-out/报告")
    for folder in folders:  # the same files; only the spec (text "3" for the number 3) has another hash
        assert without_spec_hash(tree(Path("csv-out") / folder)) == without_spec_hash(tree(Path("out") / folder))
        manifests = [json.loads((Path(o) / folder / "manifest.json").read_text()) for o in ("out", "csv-out")]
        assert [dict(m, spec_sha256="") for m in manifests] == [dict(manifests[0], spec_sha256="")] * 2


def without_spec_hash(files: dict) -> dict:
    return {k: v for k, v in files.items() if k != "manifest.json"}


def small_sheet(tmp_path: Path, count: int = 3, by_key: tuple[str, ...] = BY_KEY, name: str = "rows.xlsx",
                rows: list[dict] | None = None) -> Path:
    return write_xlsx(tmp_path / name, grid(FIELDS, rows or customer_rows(LIBRARY, "hotel", count), by_key))


def test_docx_and_pdf_folders_on_two_processes_are_those_of_single_builds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    small_sheet(tmp_path, 3)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "-j", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "out: 3 contracts, 22 files; the report is 报告.xlsx\n"
    for spec in sorted(Path("out/规格").iterdir()):
        single = invoke("build", spec, "-o", f"single-{spec.stem}")
        assert single.exit_code == 0, single.output
        assert tree(Path(f"single-{spec.stem}")) == tree(Path("out") / spec.stem)
    assert sorted(p.name for p in Path("out").iterdir()) == ["0002-客户0001", "0003-客户0002", "0004-客户0003",
                                                             "报告.xlsx", "规格"]


def test_one_wrong_row_stops_the_batch_before_anything_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = customer_rows(LIBRARY, "hotel", 3)
    rows[1]["values.term_years"] = "三十一年"
    small_sheet(tmp_path, rows=rows)
    Path("out").mkdir()
    Path("out/earlier.txt").write_text("an earlier batch")
    before = tree(Path("out"))
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md", "--force")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: rows.xlsx row 3, \"values.term_years\": must be an integer from 1 to 30, got \"三十一年\"\n"
    assert tree(Path("out")) == before


def test_problems_read_in_chinese_by_row_and_column(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = customer_rows(LIBRARY, "hotel", 2)
    rows[0]["parties.customer.id_number"] = "110105199003071238"
    small_sheet(tmp_path, rows=rows)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md", lang="zh")
    assert result.exit_code == 2
    assert result.stderr == ("错误：rows.xlsx 第 2 行，“甲方身份证号码”：身份证号码“110105199003071238”有误：最后一位校验码"
                             "应为“9”，实际为“8”，请核对是否抄错\n")


def test_columns_by_key_by_label_and_by_label_without_its_unit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    example = customer_rows(LIBRARY, "hotel", 1)[0]
    cells = grid(FIELDS, [example])
    headers = cells[0]
    for field, written in (("values.term_years", "合同有效期"), ("parties.customer.phone", "customer.phone"),
                           ("choose.dispute", "choose.dispute"), ("values.penalty_amount", "penalty_amount")):
        headers[[f.key for f in FIELDS].index(field)] = written
    cells[1][[f.key for f in FIELDS].index("choose.dispute")] = "仲裁"  # a choice by its Chinese name
    write_xlsx(tmp_path / "rows.xlsx", cells)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md")
    assert result.exit_code == 0, result.output
    text = Path("out/0002-客户0001/contract.md").read_text()
    assert "仲裁委员会" in text and "三年" in text or "3年" in text


def test_an_unknown_header_and_a_field_given_twice_are_problems_of_the_header_row(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("rows.csv").write_text("甲方名字,甲方姓名,name,values.term_years,合同有效期（年）\n张三,张三,,3,3\n",
                                encoding="utf-8")
    result = invoke("batch", "rows.csv", "--industry", "hotel", "-o", "out", "--format", "md")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: rows.csv:1: column A: '甲方名字' is no field of this industry's contract (did you mean '甲方姓名'?); "
        "contractgen batch-template writes a sheet with every column",
        "error: rows.csv:1: column C: 'name' is no field of this industry's contract; "
        "contractgen batch-template writes a sheet with every column",
        "error: rows.csv:1: column E: '合同有效期（年）' is the same field as 'values.term_years' before it; "
        "keep one of them",
        "3 problems found",
    ]
    assert not Path("out").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_reads_the_same(tmp_path: Path, encoding: str) -> None:
    cells = [["甲方姓名", "签订日期", "合同编号"], ["李明", "2026年3月1日", "𠀀-01"], [None, None, None], ["王芳", "", "02"]]
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(cells, encoding))
    sheet = read_sheet(path)
    assert sheet.header == ("甲方姓名", "签订日期", "合同编号")
    assert [(r.number, r.cells) for r in sheet.rows] == [(2, ("李明", "2026年3月1日", "𠀀-01")),
                                                       (4, ("王芳", None, "02"))]


def test_a_csv_in_neither_encoding_is_refused_with_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("rows.csv").write_bytes("甲方姓名\n李明\n".encode() + b"\x80\xff\n")
    result = invoke("batch", "rows.csv", "--industry", "hotel", "-o", "out", "--format", "md")
    assert result.exit_code == 2
    assert result.stderr == ("error: rows.csv: cannot tell the CSV file's encoding: it is neither UTF-8 nor GB18030; "
                             "save it as \"CSV UTF-8\" and try again\n")


def test_merged_cells_date_cells_and_times_of_day(tmp_path: Path, monkeypatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    rows = customer_rows(LIBRARY, "hotel", 3)
    rows[0]["sign_date"] = dt.date(2026, 3, 1)
    rows[2]["sign_date"] = dt.datetime(2026, 3, 1, 10, 30)
    path = small_sheet(tmp_path, rows=rows)
    book = load_workbook(path)
    column = [f.key for f in FIELDS].index("sign_place") + 1
    book.active.cell(2, column).value = "上海市黄浦区"
    book.active.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)  # one place for two rows
    book.save(path)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md", "--keep-going")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ('error: rows.xlsx row 4, "签订日期": a date is wanted, without a time '
                                             'of day: write it like 2026-12-01, got "2026-03-01 10:30"')
    first, second = (Path(f"out/{f}/contract.md").read_text() for f in ("0002-客户0001", "0003-客户0002"))
    assert "2026年3月1日" in first and "签订地点：上海市黄浦区" in first and "签订地点：上海市黄浦区" in second


def test_the_template_has_headers_keys_drop_downs_and_an_example_row_that_builds(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    result = invoke("batch-template", "hotel", "-o", "rows.xlsx")
    assert result.exit_code == 0, result.output
    sheet = load_workbook("rows.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["合同编号", "签订日期", "签订地点"]
    assert [c.value for c in sheet[2]][:3] == ["contract_no", "sign_date", "parties.customer.type"][:2] + ["sign_place"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    dispute = [c.value for c in sheet[1]].index("争议解决")
    assert lists[f"{column_letter(dispute)}3"] == '"诉讼,仲裁"'
    again = invoke("batch-template", "hotel", "-o", "rows.xlsx")
    assert again.exit_code == 2 and again.stderr == "error: rows.xlsx: the file exists; add --force to replace it\n"
    built = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md")
    assert built.exit_code == 0, built.output
    assert built.stdout == "out: 1 contracts, 5 files; the report is 报告.xlsx\n"
    assert [p.name for p in Path("out/规格").iterdir()] == ["0003-李明.yaml"]  # row 2 (the keys) is skipped


def test_the_same_sheet_gives_the_same_report_and_specs_byte_for_byte(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    small_sheet(tmp_path, 2)
    for out in ("a", "b"):
        assert invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", out, "--format", "md").exit_code == 0
    assert tree(Path("a")) == tree(Path("b"))


def test_progress_is_reported_after_each_contract_and_drawn_as_a_bar() -> None:
    import io

    from contractgen.batch.progress import ProgressBar, line

    assert line(120, 195, 10.0) == "██████████████░░░░░░░░░░ 120/195 contracts  12.0/s  0:06 left"
    ticks = iter([0.0, 0.05, 0.3, 0.31, 1.0])
    stream = io.StringIO()
    bar = ProgressBar(stream, clock=lambda: next(ticks))
    for done in range(5):
        bar(done, 4)
    bar.close()
    assert stream.getvalue().count("\r") == 3 and stream.getvalue().endswith("4/4 contracts  4.0/s  0:00 left\n")


def test_the_base_spec_gives_what_every_row_shares_and_a_cell_wins_over_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("provider.yaml").write_text(
        "行业: 酒店\n当事人:\n  乙方:\n    名称: 上海浦江酒店管理有限公司\n    统一社会信用代码: 91310106MA1FL7TX0N\n"
        "    住所: 上海市静安区南京西路1266号\n    法定代表人: 王建国\n合同取值:\n  违约金: 8000\n  合同有效期: 2\n"
        "  服务项目: 标准双床房住宿服务（1间）\n  服务价款: 880\n  个人信息保护联系邮箱: privacy@pujiang-hotel.cn\n"
        "备选条款:\n  争议解决: 仲裁\n", encoding="utf-8")
    Path("rows.csv").write_text("签订日期,甲方姓名,甲方联系电话,合同有效期（年）,values.arbitration_commission\n"
                                "2026-12-01,李明,13800138000,5,上海仲裁委员会\n2026-12-01,王芳,13900139000,,上海仲裁委员会\n",
                                encoding="utf-8")
    result = invoke("batch", "rows.csv", "--industry", "hotel", "--base", "provider.yaml", "-o", "out", "--format", "md")
    assert result.exit_code == 0, result.output
    first, second = (Path(f"out/{f}/contract.md").read_text() for f in ("0002-李明", "0003-王芳"))
    assert "五年" in first or "5年" in first
    assert ("二年" in second or "2年" in second) and "8,000.00" in second and "上海仲裁委员会" in second

    Path("other.yaml").write_text("industry: fitness\n", encoding="utf-8")
    other = invoke("batch", "rows.csv", "--industry", "hotel", "--base", "other.yaml", "-o", "out2", "--format", "md")
    assert other.exit_code == 2
    assert other.stderr == "error: other.yaml: industry: the base spec's industry is 'fitness', not the batch's 'hotel'\n"


@pytest.mark.parametrize("industry", [i.id for i in LIBRARY.industries])
def test_an_annex_renders_from_its_view_as_from_the_whole_contract(industry: str) -> None:
    """What the annex cache stands on: an annex file depends on its view alone (``build.annex_view``)."""
    from contractgen.build import annex_view
    from contractgen.compose import compose
    from contractgen.render import RenderOptions, render
    from contractgen.spec import parse_spec, starter_spec

    contract = compose(parse_spec(starter_spec(LIBRARY, industry, example=True).encode(), "x.yaml"), LIBRARY)
    engines = [("pdf", "weasyprint"), ("pdf", "typst")] if industry == "hotel" else []
    for annex in contract.annexes:
        for fmt, engine in [("md", "weasyprint"), ("html", "weasyprint"), ("json", "weasyprint"),
                            ("docx", "weasyprint"), *engines]:
            options = RenderOptions(part=annex.id, pdf_engine=engine)
            assert render(annex_view(contract, annex.id), fmt, options) == render(contract, fmt, options), (annex.id, fmt)


def test_a_minor_customer_needs_the_guardian_columns(tmp_path: Path, monkeypatch) -> None:
    from tests.batch_sheets import id_number

    monkeypatch.chdir(tmp_path)
    fields = list(columns(LIBRARY, "education"))
    rows = customer_rows(LIBRARY, "education", 2)
    for n, row in enumerate(rows):
        row["parties.customer.id_number"] = id_number(n, dt.date(2015, 3, 7))
    rows[1].update({"parties.guardian.name": "王大明", "parties.guardian.relation": "父亲",
                    "parties.guardian.id_number": id_number(9), "parties.guardian.phone": "13900001111"})
    write_xlsx(tmp_path / "rows.xlsx", grid(fields, rows, [f.key for f in fields if f.key.startswith("values.")]))
    result = invoke("batch", "rows.xlsx", "--industry", "education", "-o", "out", "--format", "md", "--keep-going")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith('error: rows.xlsx row 2, "甲方身份证号码": ')
    assert "王大明" in Path("out/0003-客户0002/contract.md").read_text()


@pytest.mark.parametrize("industry", [i.id for i in LIBRARY.industries])
def test_every_industrys_template_builds_as_it_is(tmp_path: Path, monkeypatch, industry: str) -> None:
    """Its row of keys tells apart two fields that share a Chinese label (a company layer may declare such)."""
    monkeypatch.chdir(tmp_path)
    assert invoke("batch-template", industry, "-o", "rows.xlsx").exit_code == 0
    result = invoke("batch", "rows.xlsx", "--industry", industry, "-o", "out", "--format", "md")
    assert result.exit_code == 0, result.output
