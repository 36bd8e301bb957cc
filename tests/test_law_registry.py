"""The law registry's record of how each entry was verified, and docs/laws.md, the table made from it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from contractgen.errors import LibraryError
from contractgen.library import load_library
from contractgen.lint import lint
from tests.laws_doc import DOC_PATH, REGENERATE, UNVERIFIED, render_doc

ROOT = Path(__file__).resolve().parents[1]
LAW = """\
    laws:
      - name: 中华人民共和国旅游法
        short: 旅游法
        kind: 法律
        number: 全国人民代表大会常务委员会《关于修改〈中华人民共和国野生动物保护法〉等十五部法律的决定》
        effective: 2018-10-26
        articles:
          70: 旅行社不履行包价旅游合同义务的违约责任
"""


def company(tmp_path: Path, text: str) -> Path:
    (tmp_path / "clauses").mkdir(parents=True)
    (tmp_path / "clauses" / "900-laws.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_docs_laws_md_is_up_to_date():
    assert (ROOT / DOC_PATH).read_text(encoding="utf-8") == render_doc(load_library().laws), (
        f"docs/laws.md is out of date; regenerate it with: {REGENERATE}")


def test_the_table_has_a_row_per_law_with_its_document_date_and_articles():
    laws = load_library().laws
    rows = [line for line in render_doc(laws).splitlines() if line.startswith("| 《")]
    assert len(rows) == len(laws)
    civil = next(row for row in rows if row.startswith("| 《中华人民共和国民法典》"))
    assert "中华人民共和国主席令第四十五号 | 2021-01-01 |" in civil
    assert "第五百八十五条：违约金" in civil and "第一千一百八十五条：故意侵害他人知识产权" in civil


def test_a_law_records_how_it_was_verified_and_a_row_without_a_record_says_so(tmp_path):
    checked = LAW + "        verified: 2026-12-02 对照国家法律法规数据库所载《中华人民共和国旅游法》第七十条\n"
    law = next(x for x in load_library([company(tmp_path / "a", checked)]).laws if x.short == "旅游法")
    assert law.verified.endswith("第七十条") and law.verified in render_doc([law])
    bare = next(x for x in load_library([company(tmp_path / "b", LAW)]).laws if x.short == "旅游法")
    assert bare.verified == "" and f"| {UNVERIFIED} |" in render_doc([bare])


def test_the_enacting_document_and_the_verification_record_are_no_hand_written_citations(tmp_path):
    root = company(tmp_path, LAW + "        verified: 对照《中华人民共和国旅游法》全文\n")
    assert [p for p in lint([root]) if p.code == "lint.citation-by-hand"] == []


def test_a_verification_record_that_is_not_text_is_refused_with_its_line(tmp_path):
    with pytest.raises(LibraryError) as info:
        load_library([company(tmp_path, LAW + "        verified: [2026-12-02]\n")])
    assert [(p.line, p.field) for p in info.value.problems] == [(9, "laws[0].verified")]
