"""The clause library: the shipped one loads and lints clean; each lint rule names file and line."""

from __future__ import annotations

import json
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.errors import LibraryError
from contractgen.library import builtin_library_dir, load_library
from contractgen.lint import lint

INDUSTRIES = ("car-rental", "catering", "education", "fitness", "hotel", "software", "telecom")


@pytest.fixture(scope="module")
def library():
    return load_library()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_shipped_library_loads_and_lints_clean(library):
    assert lint() == []
    assert {i.id for i in library.industries} == set(INDUSTRIES)


def test_every_kind_of_clause_is_present(library):
    kinds = {n.kind for n in library.node.values()}
    assert kinds == {"base", "industry", "optional", "alternative"}
    assert {n.choice for n in library.alternatives()["dispute"]} >= {"litigation", "arbitration"}


def test_every_industry_has_five_topics_and_roles(library):
    for industry in library.industries:
        special = [a for a in library.articles if a.kind == "industry" and a.id.startswith(industry.id + ".")]
        assert special, industry.id
        assert sum(len(a.clauses) for a in special) >= 5, industry.id
        assert industry.customer_role and industry.provider_role
        assert industry.annexes, industry.id


def test_conditional_clauses_hang_on_bool_variables(library):
    expected = {"hotel": 2, "catering": 2, "fitness": 1}
    for industry, count in expected.items():
        conditional = [c for a in library.articles_for(industry) for c in (a, *a.clauses)
                       if c.condition and c.id.startswith(industry)]
        assert len(conditional) >= count, industry
        for node in conditional:
            if node.condition.startswith("frame =="):  # the framing decides, not a value (hotel.room-rate)
                continue
            assert library.variable[node.condition.strip()].type == "bool"


def test_every_variable_is_fully_declared(library):
    for v in library.variables:
        assert v.label and v.description, v.name
        if v.type == "enum":
            assert v.choices
    assert library.variable["term_years"].type == "int"


def test_data_found_without_relying_on_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (builtin_library_dir() / "clauses").is_dir()
    assert load_library().industry["hotel"].provider_role == "酒店"


def test_wheel_ships_the_library(tmp_path):
    """A non-editable install must carry the YAML folders inside the package."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(root)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("contractgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("clauses", "industries", "attachments"):
        assert any(n.startswith(f"contractgen/_library/{folder}/") and n.endswith(".yaml") for n in names), folder
    assert "contractgen/render/assets/contract.css" in names
    # Compiled message catalogs, read by the standard library alone (no Babel, no cache).
    assert not [n for n in names if n.endswith(".po")]
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    script = "from contractgen.i18n import text; print(text('cli.error', 'zh', message='x'))"
    shown = subprocess.run([sys.executable, "-c", script],
                           env={"PYTHONPATH": str(unpacked), "CONTRACTGEN_CACHE_DIR": str(tmp_path / "no-cache")},
                           capture_output=True, text=True, check=True)
    assert shown.stdout == "错误：x\n" and not (tmp_path / "no-cache").exists()


# --- the commands ------------------------------------------------------------------------------------

def test_industries_command_lists_the_seven_ids():
    result = run("industries", "--json")
    assert result.exit_code == 0
    assert sorted(i["id"] for i in json.loads(result.output)) == sorted(INDUSTRIES)


def test_clauses_command_lists_every_kind():
    rows = json.loads(run("clauses", "--json").output)
    assert {r["kind"] for r in rows} == {"base", "industry", "optional", "alternative"}
    assert all({"id", "title", "kind", "industries", "version"} <= r.keys() for r in rows)
    hotel = json.loads(run("clauses", "--industry", "hotel", "--json").output)
    ids = {r["id"] for r in hotel}
    assert "hotel.pets" in ids and not any(i.startswith("education.") for i in ids)


def test_vars_command_describes_every_hotel_variable(library):
    rows = json.loads(run("vars", "hotel", "--json").output)
    names = {r["name"] for r in rows}
    assert {"term_years", "hotel_pet_deposit"} <= names
    assert not any(n.startswith("education_") for n in names)
    for row in rows:
        assert {"type", "label", "description", "required", "default"} <= row.keys()
    term = next(r for r in rows if r["name"] == "term_years")
    assert term["type"] == "int" and "min" in term and "max" in term


def test_unknown_industry_is_a_usage_error():
    result = run("vars", "hotle")
    assert result.exit_code == 2
    assert "did you mean 'hotel'" in result.output


# --- one broken layer per lint rule -----------------------------------------------------------------

HEADER = "industry: {id: demo, name: 演示, title: 演示合同, roles: {customer: 客户, provider: 服务方}, annexes: []}\n"
ARTICLE = """\
articles:
  - id: demo.special
    kind: industry
    title: 演示特别约定
    version: 1.0.0
    order: 45
    clauses:
      - id: demo.one
        text: "{text}"
"""

CASES = [
    # (rule, files, expected file, expected line, expected message part)
    ("schema: unknown key", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当评价。") + "    colour: red\n"},
     "industries/demo.yaml", 11, "unknown key"),
    ("undeclared variable", {"industries/demo.yaml": HEADER + ARTICLE.format(text="期限为{{ pet_fee }}日。")},
     "industries/demo.yaml", 9, "uses undeclared variable 'pet_fee'"),
    ("unused variable", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当评价。")
                         + "variables:\n  demo_days: {type: int, label: 天数, description: 天数。, default: 1}\n"},
     "industries/demo.yaml", 12, "declared but never used"),
    ("duplicate id", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当评价。")
                      + "      - id: demo.one\n        text: 乙方应当改进。\n"},
     "industries/demo.yaml", 11, "duplicate id 'demo.one'"),
    ("missing reference", {"industries/demo.yaml": HEADER + ARTICLE.format(text="详见{{ ref('nowhere') }}。")},
     "industries/demo.yaml", 9, "refers to missing clause 'nowhere'"),
    ("missing annex", {"industries/demo.yaml": HEADER.replace("annexes: []", "annexes: [no-such-annex]")
                       + ARTICLE.format(text="甲方应当评价。")},
     "industries/demo.yaml", 1, "missing annex 'no-such-annex'"),
    ("duplicate YAML key", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当评价。")
                            + "        text: 又一次。\n"},
     "industries/demo.yaml", 11, "duplicate key"),
    ("pinyin in brackets", {"industries/demo.yaml": HEADER + ARTICLE.format(text="服务(wù)质量应当良好。")},
     "industries/demo.yaml", 10, "pinyin"),
    ("traditional characters", {"industries/demo.yaml": HEADER + ARTICLE.format(text="服務質量應當良好。")},
     "industries/demo.yaml", 10, "traditional characters"),
    ("ASCII punctuation", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当评价,乙方应当改进。")},
     "industries/demo.yaml", 10, "ASCII punctuation"),
    ("stray question mark", {"industries/demo.yaml": HEADER + ARTICLE.format(text="甲方应当?评价。")},
     "industries/demo.yaml", 10, "stray '?'"),
    ("malformed YAML", {"clauses/bad.yaml": "articles:\n  - id: x\n    title: [unclosed\n"},
     "clauses/bad.yaml", 4, "YAML syntax error"),
]


@pytest.mark.parametrize(("rule", "files", "path", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_lint_rule_names_file_and_line(tmp_path, rule, files, path, line, message):
    layer = tmp_path / "company"
    for name, text in files.items():
        target = layer / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    problems = lint([layer])
    shown = [str(p) for p in problems]
    expected_path = f"{layer}/{path}"
    assert any(p.path == expected_path and p.line == line and message in p.message for p in problems), shown
    result = run("lint", str(layer))
    assert result.exit_code == 2
    assert f"{expected_path}:{line}:" in result.output


def test_all_problems_are_reported_at_once(tmp_path):
    layer = tmp_path / "company"
    (layer / "industries").mkdir(parents=True)
    text = HEADER + ARTICLE.format(text="{{ a_var }}与{{ b_var }}。") + "      - id: demo.one\n        text: 又。\n"
    (layer / "industries" / "demo.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError) as info:
        load_library([layer])
    messages = [p.message for p in info.value.problems]
    assert sum("undeclared variable" in m for m in messages) == 2
    assert any("duplicate id" in m for m in messages)


def test_a_later_layer_overrides_by_id(tmp_path):
    layer = tmp_path / "company"
    (layer / "clauses").mkdir(parents=True)
    base = load_library()
    intro = base.articles[0]
    (layer / "clauses" / "intro.yaml").write_text(textwrap.dedent(f"""\
        articles:
          - id: {intro.id}
            kind: base
            title: 总则（公司版）
            version: 9.0.0
            order: {intro.order}
            text: 本合同适用于公司的全部服务。
        """), encoding="utf-8")
    merged = load_library([layer])
    article = merged.node[intro.id]
    assert article.title == "总则（公司版）" and article.version == "9.0.0"
    assert len(merged.articles) == len(base.articles)
    assert merged.layers == ("builtin", "company")


def _company_layer(tmp_path: Path, title: str) -> Path:
    layer = tmp_path / "company"
    (layer / "clauses").mkdir(parents=True, exist_ok=True)
    intro = load_library().articles[0]
    (layer / "clauses" / "intro.yaml").write_text(textwrap.dedent(f"""\
        articles:
          - id: {intro.id}
            kind: base
            title: {title}
            version: 9.0.0
            order: {intro.order}
            text: 本合同适用于公司的全部服务。
        """), encoding="utf-8")
    return layer


def test_a_loaded_library_is_kept_and_a_changed_layer_is_read_again(tmp_path, monkeypatch):
    import os

    from contractgen import library as library_module

    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "cache"))
    layer = _company_layer(tmp_path, "总则（公司版）")
    first = load_library([layer])
    key = library_module._cache_key([layer], True)
    kept = tmp_path / "cache" / "library" / f"{key[:40]}.pickle"
    assert kept.is_file() and kept.stat().st_mode & 0o022 == 0
    read = []
    monkeypatch.setattr(library_module, "read_library", lambda *a, **k: read.append(a) or ([], ["not called"]))
    again = load_library([layer])  # from the kept file: read_library is not called
    assert read == [] and again == first and again is not first
    monkeypatch.undo()
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "cache"))
    _company_layer(tmp_path, "总则（新版）")  # the layer's bytes changed: a new key, read from the files
    assert load_library([layer]).node[first.articles[0].id].title == "总则（新版）"
    assert library_module._cache_key([layer], True) != key
    # A damaged file, or one others could have written, is not used: the files are read instead.
    for path in (tmp_path / "cache" / "library").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert load_library([layer]).node[first.articles[0].id].title == "总则（新版）"
    for path in (tmp_path / "cache" / "library").glob("*.pickle"):
        os.chmod(path, 0o666)
    assert library_module._kept_library(library_module._cache_key([layer], True)) is None


def test_an_unwritable_cache_only_costs_the_time(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(blocker))
    assert load_library() == load_library()
