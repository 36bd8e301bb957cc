"""The register on SQLite and on a real PostgreSQL: schema from empty, drafts, numbering under concurrency,
generation that records only what was written, search and the ZIP of an entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
import zipfile

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from contractgen.errors import SpecError, UsageError
from contractgen.library import load_library
from contractgen.register import models, open_register
from contractgen.register.contracts import Search, contract_zip, file_bytes, get_contract, search
from contractgen.register.drafts import delete_draft, get_draft, list_drafts, save_draft
from contractgen.register.generate import generate
from contractgen.register.store import FileStore
from contractgen.spec import parse_spec, starter_spec
from contractgen.specdata import from_spec

LIBRARY = load_library()
TODAY = dt.date(2026, 12, 1)
FAST = ("md",)  # the register's behaviour does not depend on the format; DOCX/PDF are tested in the web suite


def example(industry: str = "hotel") -> dict:
    return from_spec(parse_spec(starter_spec(LIBRARY, industry, example=True).encode(), "example.yaml"))


@pytest.fixture
def register(tmp_path, database_url):
    reg = open_register(tmp_path / "data", database_url)
    yield reg
    reg.engine.dispose()


def stored_files(reg) -> list:
    root = reg.store.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_schema_from_empty_matches_the_models(register):
    tables = set(inspect(register.engine).get_table_names())
    assert {"drafts", "contracts", "contract_files", "library_versions", "number_sequences", "alembic_version"} <= tables
    with register.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), models.Base.metadata) == []


def test_drafts_several_per_user_with_titles(register):
    first = save_draft(register, title="某酒店 2027 年度", industry="hotel", spec=example())
    save_draft(register, title="软件服务草稿", industry="software", spec=example("software"))
    save_draft(register, title="别人的草稿", industry="hotel", spec=example(), owner="someone")
    assert [d.title for d in list_drafts(register)] == ["软件服务草稿", "某酒店 2027 年度"]
    edited = dict(example(), title="酒店服务合同（修订）")
    save_draft(register, title="某酒店 2027 年度（改）", industry="hotel", spec=edited, draft_id=first.id)
    again = get_draft(register, first.id)
    assert again.title == "某酒店 2027 年度（改）" and again.spec["title"] == "酒店服务合同（修订）"
    assert get_draft(register, first.id, owner="someone") is None
    assert delete_draft(register, first.id) and get_draft(register, first.id) is None


def test_json_keeps_chinese_readable(register):
    save_draft(register, title="t", industry="hotel", spec={"values": {"备注": "含中文的值"}})
    with register.engine.connect() as connection:
        stored = connection.execute(text("SELECT CAST(spec AS TEXT) FROM drafts")).scalar_one()
    assert "含中文的值" in stored and "\\u" not in stored


def test_generate_numbers_stores_and_records(register):
    first = generate(register, example(), LIBRARY, formats=("docx", "md"), today=TODAY)
    second = generate(register, example(), LIBRARY, formats=FAST, today=TODAY)
    other = generate(register, example("software"), LIBRARY, formats=FAST, today=TODAY)
    assert (first.contract_no, second.contract_no, other.contract_no) == (
        "HT-HOTEL-2026-0001", "HT-HOTEL-2026-0002", "HT-SOFTWARE-2026-0001")
    entry = get_contract(register, first.id)
    assert {f.path for f in entry.files} >= {"contract.docx", "contract.md"}
    for item in entry.files:
        data = file_bytes(register, item)
        assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size
        assert register.store.path(item.sha256).is_file()
    markdown = file_bytes(register, next(f for f in entry.files if f.path == "contract.md")).decode()
    assert "HT-HOTEL-2026-0001" in markdown  # the number is printed in the contract
    assert entry.spec["contract_no"] == "HT-HOTEL-2026-0001"
    assert entry.customer_name and entry.sign_date == dt.date(2026, 12, 1)
    layers = entry.manifest["library"]["layer_sha256"]
    assert set(layers) == {"builtin"} and len(layers["builtin"]) == 64
    assert entry.library_version.layers[0]["sha256"] == layers["builtin"]


def test_a_spec_problem_leaves_no_row_no_file_and_gives_the_number_back(register):
    bad = example()
    bad["parties"]["provider"]["credit_code"] = "91310106MA1FL7TX0X"
    with pytest.raises(SpecError) as caught:
        generate(register, bad, LIBRARY, formats=FAST, today=TODAY)
    assert any(p.field == "parties.provider.credit_code" for p in caught.value.problems)
    with register.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(models.Contract)) == 0
    assert stored_files(register) == []
    assert generate(register, example(), LIBRARY, formats=FAST, today=TODAY).contract_no.endswith("-0001")


def test_a_failed_write_removes_what_it_stored(register, monkeypatch):
    calls = []
    real_put = FileStore.put

    def put_then_fail(self, data):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_put(self, data)

    monkeypatch.setattr(FileStore, "put", put_then_fail)
    with pytest.raises(OSError):
        generate(register, example(), LIBRARY, formats=("md", "json"), today=TODAY)
    assert stored_files(register) == [] and search(register) == []


def test_numbers_are_unique_under_concurrent_requests(register):
    results, errors = [], []
    start = threading.Barrier(6)

    def one():
        try:
            start.wait()
            results.append(generate(register, example(), LIBRARY, formats=FAST, today=TODAY).contract_no)
        except Exception as exc:  # reported below: a failed thread must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [f"HT-HOTEL-2026-{n:04d}" for n in range(1, 7)]


def test_search_by_number_party_and_date(register):
    hotel = generate(register, example(), LIBRARY, formats=FAST, today=TODAY)
    later = dict(example("software"), sign_date="2027-03-15")
    software = generate(register, later, LIBRARY, formats=FAST, today=TODAY)
    assert [c.id for c in search(register, Search(number="hotel"))] == [hotel.id]
    assert [c.id for c in search(register, Search(party="云帆"))] == [software.id]
    assert [c.id for c in search(register, Search(date_from=dt.date(2027, 1, 1)))] == [software.id]
    assert [c.id for c in search(register, Search(date_to=dt.date(2026, 12, 31)))] == [hotel.id]
    assert search(register, Search(party="%")) == []  # typed wildcards match literally


def test_zip_holds_every_file_and_the_manifest_and_is_reproducible(register):
    entry = get_contract(register, generate(register, example(), LIBRARY, formats=("md", "json"), today=TODAY).id)
    data = contract_zip(register, entry)
    assert data == contract_zip(register, entry)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"{entry.contract_no}/contract.md" in names and f"{entry.contract_no}/manifest.json" in names
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read(f"{entry.contract_no}/manifest.json"))
    assert manifest["industry"] == "hotel"


@pytest.mark.parametrize("pattern", ["HT-{year}-{seq:04d}", "HT-{code}-{nope}-{seq}", "HT-{code}-{seq:zz}"])
def test_a_pattern_that_could_repeat_or_break_is_refused(tmp_path, pattern):
    with pytest.raises(UsageError, match="contract number pattern"):
        open_register(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", number_pattern=pattern)


def test_store_refuses_a_path_that_is_no_hash(tmp_path):
    with pytest.raises(ValueError):
        FileStore(tmp_path).path("../../etc/passwd")
