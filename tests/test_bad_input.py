"""Bad input gets one clear message, nothing is lost, and no value can inject anything.

Everything goes through the real command line (``contractgen build``) and the real renderers; the
table of bad inputs lives in ``tests/bad_input_cases.py`` and is also what ``docs/bad-input.md``
shows (checked here, so the doc cannot drift from what the program prints).
"""

from __future__ import annotations

import builtins
import contextlib
import io
import re
import shutil
import socket
import subprocess
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contractgen.build import Output, write_outputs
from contractgen.compose import clean_value, compose
from contractgen.errors import InputError, LibraryError, SpecError, UsageError
from contractgen.library import load_library
from contractgen.render.fonts import compact_faces
from contractgen.render.html import ASSETS_DIR
from contractgen.spec import parse_spec, starter_spec
from contractgen.yamlio import decode, load_yaml, parse_yaml
from tests.bad_input_cases import (
    BILLION_LAUGHS,
    CASES,
    DOC_HEAD,
    DOC_PATH,
    LAYER,
    LAYER_GROUP,
    MERGE_BOMB,
    REGENERATE,
    Case,
    Result,
    doc_row,
    render_doc,
    run_case,
    tree,
)

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
LOCATED = re.compile(r"^error: (spec\.yaml|company(/[\w./-]+\.yaml)?)(:\d+){0,2}: \S")
"""An input problem starts with the file it is about, and the line when there is one."""


# --- the table of bad inputs -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def doc_lines() -> list[str]:
    return DOC_PATH.read_text(encoding="utf-8").splitlines() if DOC_PATH.exists() else []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_input_gets_its_message(case: Case, tmp_path: Path, doc_lines: list[str]) -> None:
    result = run_case(case, tmp_path)
    output = result.stdout + result.stderr
    assert result.exit_code == case.exit_code, output
    shown = result.shown.splitlines()
    for line in case.expect:
        assert line in shown, f"expected {line!r} in:\n{output}"
    if case.id != "internal-error-debug":
        assert "Traceback" not in output
    if case.exit_code == 2 and case.group in (CASES[0].group, LAYER_GROUP) and case.args[0] == "build":
        # an input problem: where, then what
        errors = [line for line in shown if line.startswith("error: ")]
        assert errors and all(LOCATED.match(line) for line in errors), output
    if case.exit_code != 0 and "--keep-going" not in case.args:  # a batch that left rows out wrote the rest
        # Nothing lost and nothing left behind: every file beside and inside ``out`` as it was.
        assert result.after == result.before, output
    elif "-o" in case.args:  # a build: its files, all in out/
        added = set(result.after) - set(result.before)
        assert added and all(p.startswith("out/") for p in added), sorted(added)  # nothing outside out/
    assert doc_row(case, result) in doc_lines, (
        f"docs/bad-input.md is out of date for case {case.id!r}; regenerate it with: {REGENERATE}")


def test_doc_lists_every_case_in_order() -> None:
    """Together with the row check above: the committed doc is exactly the generated one."""
    committed = DOC_PATH.read_text(encoding="utf-8")
    dummy = {c.id: Result(c.exit_code, "x", "", 0.0) for c in CASES}
    expected = render_doc(dummy)

    def skeleton(text: str) -> list[str]:
        return [line.split(" | ")[0] if line.startswith("| ") and not line.startswith("| Input ") else line
                for line in text.splitlines()]

    assert committed.startswith(DOC_HEAD), f"docs/bad-input.md is out of date; regenerate it with: {REGENERATE}"
    assert skeleton(committed) == skeleton(expected), (
        f"docs/bad-input.md does not list the cases of tests/bad_input_cases.py; regenerate it with: {REGENERATE}")


def test_successful_cases_build_what_they_say(tmp_path: Path) -> None:
    """BOM and CRLF specs and layers build the same contract as the plain file."""
    def contract_text(case_id: str) -> str:
        work = tmp_path / case_id
        work.mkdir()
        assert run_case(next(c for c in CASES if c.id == case_id), work).exit_code == 0
        return docx_text((work / "out" / "contract.docx").read_bytes())

    plain = contract_text("valid")
    assert contract_text("bom") == contract_text("crlf") == plain
    with_layer = contract_text("layer-ok")
    assert "乙方应当在3年内保存评价记录。" in with_layer
    assert contract_text("layer-bom") == contract_text("layer-crlf") == with_layer


@pytest.mark.parametrize("bomb", [BILLION_LAUGHS, MERGE_BOMB], ids=["billion-laughs", "merge-keys"])
def test_yaml_bombs_are_refused_fast_and_in_little_memory(bomb: str, tmp_path: Path) -> None:
    layer = tmp_path / "company" / "clauses"
    layer.mkdir(parents=True)
    (layer / "bomb.yaml").write_text(bomb, encoding="utf-8")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(SpecError, match="anchors and aliases expand to too large a document"):
            parse_spec(bomb.encode(), "spec.yaml")
        with pytest.raises(InputError, match="anchors and aliases expand to too large a document"):
            load_yaml(layer / "bomb.yaml")  # how the library reads each of its files
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2
    assert peak < 20_000_000  # expanded, either bomb would take gigabytes
    with pytest.raises(LibraryError, match="bomb.yaml:1: anchors and aliases expand"):
        load_library([tmp_path / "company"])


def test_every_line_number_survives_crlf_and_bom() -> None:
    """Not only one field: each line of a CRLF + BOM file is where a LF file has it."""
    text = starter_spec(LIBRARY, "hotel", example=True)
    plain = parse_yaml(text, "a.yaml")
    odd = parse_yaml(decode(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "a.yaml"), "a.yaml")
    assert odd == plain
    assert odd.key_lines == plain.key_lines and odd["values"].key_lines == plain["values"].key_lines


# --- library templates: sandboxed, undefined names are errors -------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ term_years.__class__.__base__.__subclasses__() }}", "unsafe"),
    ("{{ ref.__globals__ }}", "unsafe"),
    ("{{ term_years.upper.__self__.__class__ }}", "unsafe"),
    ("{{ term_years.no_such_attribute }}", "has no attribute 'no_such_attribute'"),
    ("{{ term_years + 1 }}", "can only concatenate str"),
    ("{{ cycler.__init__.__globals__ }}", "uses undeclared variable 'cycler'"),
    ("{{ lipsum() }}", "uses undeclared variable 'lipsum'"),
    ("{{ no_such_variable }}", "uses undeclared variable 'no_such_variable'"),
])
def test_library_templates_are_sandboxed_and_strict(text: str, message: str, tmp_path: Path) -> None:
    layer = tmp_path / "company"
    (layer / "clauses").mkdir(parents=True)
    (layer / "clauses" / "house.yaml").write_text(LAYER.replace("{{ term_years }}", text), encoding="utf-8")
    spec = parse_spec(starter_spec(LIBRARY, "hotel", example=True).encode(), "spec.yaml")
    with pytest.raises(LibraryError) as info:
        compose(spec, load_library([layer]))
    problem, = info.value.problems
    assert problem.path == f"{layer}/clauses/house.yaml" and problem.line in (8, 9)
    assert message in problem.message


# --- values: never template code, never markup, never a new paragraph -------------------------------------

V = "A&B <C> \"D\" 'E'\nF\tG\fH\x01I\x0bJ\x1fK\x85L\u2028M\r\nN"
"""Everything XML and HTML care about, line breaks, a tab, a form feed and XML-illegal characters."""
HOSTILE: dict[str, str] = {
    "parties.provider.name": "{{ 7*7 }}{% if true %}X{% endif %}公司",
    "parties.provider.address": V,
    "parties.customer.name": "<script>alert(1)</script>李明",
    "parties.customer.address": '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    "title": "{{ title }}{% include 'x' %}酒店合同",
    "contract_no": "{% if draft %}草稿{% endif %}../../etc/passwd",
    "sign_place": "上海 url(http://127.0.0.1:9/y) <style>@import 'http://127.0.0.1:9/z';</style>",
    "values.support_hours": V,
}
PLAIN = {key: "值" * len(clean_value(value)) for key, value in HOSTILE.items()}
"""As long as the hostile values (the signature block wraps long names), but harmless."""
LAYER_HOSTILE = ("乙方应当", "<script>alert(1)</script><img src='file:///etc/passwd'>url(http://127.0.0.1:9/x)乙方应当")


GUARDIAN = {"name": "李建华", "relation": "父亲", "phone": "13900139000", "address": "北京市朝阳区建国路88号"}
"""A 监护人 for a person customer (an adult may have one too: 《民法典》第二十八条), so the guardian's
fields and the 监护人 article's values are reached."""


def spec_with(values: dict[str, object], industry: str = "hotel", include: tuple[str, ...] = ("tech-support-sla",),
              arbitration: bool = False, every_annex: bool = False, guardian: bool = False) -> bytes:
    """The industry's example spec with optional clauses included and ``values`` set (dotted keys);
    with ``guardian``, a person customer has a guardian who signs for them and every yes/no switch is on
    (预付款, 押金 …), so every article that holds a string variable is in the contract."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    data["include"] = list(include)
    if guardian and data["parties"]["customer"]["type"] == "person":
        data["parties"]["guardian"] = dict(GUARDIAN)
    if guardian:
        data["values"].update({v.name: True for v in LIBRARY.variables_for(industry) if v.type == "bool"
                               and v.name in data["values"]})
    if every_annex:
        data["annexes"] = [a.id for a in LIBRARY.annexes if LIBRARY.offered(a, industry)]
    if arbitration:
        data["choose"] = {**(data.get("choose") or {}), "dispute": "arbitration"}
    for key, value in values.items():
        *path, last = key.split(".")
        target = data
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@contextlib.contextmanager
def spies() -> Iterator[dict[str, list[str]]]:
    """Record every URL WeasyPrint fetches, every connection tried and every file opened by name."""
    from contractgen.render.pdf import AssetsOnlyFetcher

    seen: dict[str, list[str]] = {"fetched": [], "connected": [], "opened": []}
    real_fetch, real_open = AssetsOnlyFetcher.fetch, builtins.open

    def fetch(self: AssetsOnlyFetcher, url: str, headers: object = None) -> object:
        seen["fetched"].append(url)
        return real_fetch(self, url, headers)

    def connect(*args: object, **kwargs: object) -> None:
        seen["connected"].append(repr(args))
        raise OSError("no connections in tests")

    def opener(file: object, *args: object, **kwargs: object) -> object:
        seen["opened"].append(str(file))
        return real_open(file, *args, **kwargs)

    with mock.patch.object(AssetsOnlyFetcher, "fetch", fetch), \
            mock.patch.object(socket.socket, "connect", connect), \
            mock.patch.object(socket, "create_connection", connect), \
            mock.patch.object(urllib.request, "urlopen", connect), \
            mock.patch.object(builtins, "open", opener), mock.patch.object(io, "open", opener):
        yield seen


def build(work: Path, spec: bytes, formats: str, *extra: str, layer: str | None = None) -> Result:
    files = {"spec.yaml": spec}
    args = ("build", "spec.yaml", "-o", "out", "--format", formats, *extra)
    if layer is not None:
        files["company/clauses/house.yaml"] = layer.encode()
        args += ("--library", "company")
    return run_case(Case("adhoc", "", files, args, 0, ()), work)


FORMATS = "docx,pdf,html,md,json"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, dict[str, list[str]]]:
    work = tmp_path_factory.mktemp("hostile")
    with spies() as seen:
        result = build(work, spec_with(HOSTILE), FORMATS, layer=LAYER.replace(*LAYER_HOSTILE))
    assert result.exit_code == 0, result.stdout + result.stderr
    return work / "out", result, seen


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("plain")
    result = build(work, spec_with(PLAIN), FORMATS, layer=LAYER.replace(LAYER_HOSTILE[0], "X" + LAYER_HOSTILE[0]))
    assert result.exit_code == 0, result.stdout + result.stderr
    return work / "out"


def docx_text(data: bytes) -> str:
    """Every paragraph of the document, tables and header and footer included, one per line."""
    document = docx.Document(io.BytesIO(data))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    return "\n".join(DocxParagraph(p, document).text for part in parts for p in part.iter(qn("w:p")))


def xml_shape(data: bytes) -> list[str]:
    """The element tags of the document body in order: paragraphs, runs, breaks, tables (no text)."""
    document = docx.Document(io.BytesIO(data))
    return [el.tag for el in document.element.body.iter() if isinstance(el.tag, str)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_tags_and_text(path: Path) -> tuple[list[str], str]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags, "".join(parser.text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_values_appear_literally_in_every_format(hostile_build: tuple[Path, Result, dict]) -> None:
    out, _, _ = hostile_build
    docx_all = docx_text((out / "contract.docx").read_bytes())
    _, html = html_tags_and_text(out / "contract.html")
    md = re.sub(r"\\(.)", r"\1", (out / "contract.md").read_text(encoding="utf-8"))  # Markdown escapes
    for key, value in HOSTILE.items():
        shown = clean_value(value)
        for name, text in (("docx", docx_all), ("html", html), ("md", md)):
            assert shown in text, f"{key} not shown literally in {name}: {shown!r}"
    for text in (docx_all, html, md):
        assert "49" not in text.replace("2049", "")  # {{ 7*7 }} was not evaluated
        assert "<script>alert(1)</script><img src='file:///etc/passwd'>" in text  # the library's text, as text


def test_values_become_text_not_markup(hostile_build: tuple[Path, Result, dict], plain_build: Path) -> None:
    out, _, _ = hostile_build
    tags, _ = html_tags_and_text(out / "contract.html")
    plain_tags, _ = html_tags_and_text(plain_build / "contract.html")
    assert tags == plain_tags  # not one element more: no <script>, <img>, <link>, <style> from a value
    md = (out / "contract.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<", md)  # every < is escaped, so no tag opens


def test_docx_stays_valid_with_no_extra_paragraphs_or_breaks(hostile_build: tuple[Path, Result, dict],
                                                             plain_build: Path) -> None:
    out, _, _ = hostile_build
    for name in ("contract.docx", "annexes/privacy-policy.docx"):
        hostile, plain = (out / name).read_bytes(), (plain_build / name).read_bytes()
        assert xml_shape(hostile) == xml_shape(plain), name  # same paragraphs, runs, breaks and tables


def test_pdf_shows_the_text(hostile_build: tuple[Path, Result, dict]) -> None:
    out, _, _ = hostile_build
    text = squash(pdf_text(out / "contract.pdf"))
    for key, value in HOSTILE.items():
        assert squash(clean_value(value)) in text, key


def test_rendering_reads_no_file_and_opens_no_connection(hostile_build: tuple[Path, Result, dict]) -> None:
    _, _, seen = hostile_build
    assert seen["connected"] == []
    fonts = {face.path.as_uri() for face in compact_faces()}  # the compact Noto copies (render/fonts.py)
    assert all(url.startswith(ASSETS_DIR.as_uri() + "/") or url in fonts for url in seen["fetched"]), seen["fetched"]
    opened = [p for p in seen["opened"] if "passwd" in p or p.startswith(("http:", "https:"))]
    assert opened == []


def test_a_document_that_asks_for_a_file_is_refused_by_the_build(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: were a value ever to become markup, the PDF render stops with a message."""
    from contractgen.render import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "document_html",
                        lambda *a, **k: '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><p>x</p>')
    with spies() as seen:
        result = build(tmp_path, spec_with({}), "pdf")
    assert result.exit_code == 2
    assert "refused to fetch 'http://127.0.0.1:9/x.css'" in result.stderr and "Traceback" not in result.stderr
    assert seen["connected"] == [] and not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext is not installed")
def test_libreoffice_opens_the_docx_with_hostile_values(hostile_build: tuple[Path, Result, dict],
                                                         tmp_path: Path) -> None:
    out, _, _ = hostile_build
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out / "contract.docx")], check=True, capture_output=True,
                   timeout=240)
    text = squash(pdf_text(tmp_path / "contract.pdf"))
    for key in ("parties.provider.name", "parties.provider.address", "parties.customer.name", "values.support_hours"):
        assert squash(clean_value(HOSTILE[key])) in text, key


# --- output paths and half-finished builds ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["../evil.docx", "annexes/../../evil.docx", "/tmp/contractgen-evil.docx"])
def test_nothing_is_written_outside_the_output_folder(path: str, tmp_path: Path) -> None:
    before = tree(tmp_path)
    outputs = [Output("contract.docx", "contract", "docx", b"ok"), Output(path, "annex", "docx", b"evil")]
    with pytest.raises(UsageError, match="outside the output folder"):
        write_outputs(tmp_path / "out", outputs, None, force=False)
    assert tree(tmp_path) == before and not Path("/tmp/contractgen-evil.docx").exists()


def test_an_interrupted_swap_puts_the_old_folder_back(tmp_path: Path) -> None:
    """Ctrl-C between moving the old folder aside and moving the new one in."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "contract.docx").write_bytes(b"previous")
    before = tree(tmp_path)
    real_rename, calls = Path.rename, []

    def rename(self: Path, target: Path) -> Path:
        calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_rename(self, target)

    with mock.patch.object(Path, "rename", rename), pytest.raises(KeyboardInterrupt):
        write_outputs(out, [Output("contract.docx", "contract", "docx", b"new")], None, force=True)
    assert tree(tmp_path) == before


def test_force_replaces_a_previous_build_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    first = build(tmp_path, spec_with({}), "docx")
    assert first.exit_code == 0
    again = build(tmp_path, spec_with({"values.term_years": 5}), "docx,html", "--force")
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spec.yaml"]
    assert (tmp_path / "out" / "contract.html").exists()


# --- any string in any field ---------------------------------------------------------------------------

SPECIAL = list("&<>\"'\n\t\f\r\v\x00\x01\x08\x0b\x0e\x1b\x1f\x7f\x85\x9f\xa0\u00ad\u200b\u200e\u2028\u2029\u3000"
               "\ue000\ue001\ufeff\ufffd\ufffe\uffff{}%#*_`|\\") + ["{{", "}}", "{%", "%}", "<script>", "url(", "\r\n",
                                                                    "../", "&amp;", "]]>", "\U0001f600", "𠀀"]
TEXT = st.lists(st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(SPECIAL)),
                max_size=24).map("".join)


def string_fields(industry: str) -> list[str]:
    person = LIBRARY.industry[industry].customer_type == "person"
    guardian_only = set().union(*(_uses(a) for a in LIBRARY.articles if a.condition == "guardian"))
    names = [f"values.{v.name}" for v in LIBRARY.variables_for(industry)
             if v.type == "string" and (person or v.name not in guardian_only)]
    parties = [f"parties.{role}.{key}" for role in ("customer", "provider") for key in ("name", "address")]
    if person:
        parties += [f"parties.guardian.{key}" for key in ("name", "relation", "address")]
    return ["title", "contract_no", "sign_place", *parties, *names]


def _uses(node: object) -> set[str]:
    return set(node.uses).union(*(c.uses for c in getattr(node, "clauses", ())))


INCLUDE = {i: tuple(sorted(n.id for n in LIBRARY.includable(i)
                           if any(getattr(LIBRARY.variable.get(u), "type", "") == "string" for u in _uses(n))))
           for i in INDUSTRIES}
"""Optional clauses that bring a string variable, so that variable shows up in the contract."""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_string_in_any_field_builds_or_is_a_clear_error(data: st.DataObject) -> None:
    industry = data.draw(st.sampled_from(INDUSTRIES), label="industry")
    fields = data.draw(st.lists(st.sampled_from(string_fields(industry)), min_size=1, max_size=4, unique=True),
                       label="fields")
    values = {f: data.draw(TEXT, label=f) for f in fields}
    spec = spec_with(values, industry, INCLUDE[industry], arbitration=True, every_annex=True, guardian=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result = build(work, spec, "docx,pdf")
        event(f"exit {result.exit_code}")
        output = result.stdout + result.stderr
        assert "Traceback" not in output and "internal error" not in output, output
        if result.exit_code == 2:
            errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
            assert errors and all(LOCATED.match(line) for line in errors), output
            assert not (work / "out").exists()
            return
        assert result.exit_code == 0, output
        contract = compose(parse_spec(spec, "spec.yaml"), LIBRARY)
        used = dict(contract.values)
        texts = "\n".join(docx_text(p.read_bytes()) for p in sorted((work / "out").rglob("*.docx")))
        for path in sorted((work / "out").rglob("*.pdf")):
            assert path.read_bytes().startswith(b"%PDF-") and path.stat().st_size > 1000
        for field, value in values.items():
            shown = clean_value(value)
            if not shown or (field.startswith("values.") and field[7:] not in used):
                continue  # empty is the default or a blank; an unused variable is printed nowhere
            assert shown in texts, f"{field}={value!r} should show as {shown!r}"


def test_the_property_test_reaches_every_string_field() -> None:
    """The example specs plus ``INCLUDE`` put every string variable into some document."""
    for industry in INDUSTRIES:
        spec = spec_with({}, industry, INCLUDE[industry], arbitration=True, every_annex=True, guardian=True)
        contract = compose(parse_spec(spec, "s.yaml"), LIBRARY)
        used = dict(contract.values)
        names = [f[7:] for f in string_fields(industry) if f.startswith("values.")]
        assert [n for n in names if n not in used] == [], industry



@pytest.mark.parametrize(("written", "value", "text"), [
    ("010", 10, "010"), ("050000", 50000, "050000"), ("00123", 123, "00123"), ("+5", 5, "+5"),
    ("1.10", 1.1, "1.10"), ("12:30", "12:30", "12:30"), ("0x10", "0x10", "0x10"), ("0o17", "0o17", "0o17"),
    ("yes", "yes", "yes"), ("off", "off", "off"), ("2026-12-01", "2026-12-01", "2026-12-01"),
    ("true", True, "True"), ("~", None, "None"), ("!!int 0x10", "0x10", "0x10"), ("!!bool maybe", "maybe", "maybe"),
    ("1" * 5000, "1" * 5000, "1" * 5000),
])
def test_yaml_reads_scalars_as_yaml_1_2_core_without_octal_or_hex(written: str, value: object, text: str) -> None:
    """Numbers read as decimal, and text fields get back exactly what was typed; in specs and libraries alike."""
    for loader in (parse_yaml, lambda t, d: parse_spec(t.encode(), d).data):
        read = loader(f"a: {written}\n", "x.yaml")["a"]
        assert read == value and isinstance(read, bool) == isinstance(value, bool)
        assert str(read) == text


def test_yaml_numbers_pickle_as_typed() -> None:
    """Values reach a batch's worker processes pickled; ``00123`` must not become ``123`` on the way."""
    import pickle

    data = parse_yaml("a: 00123\nb: 1.50\n", "x.yaml")
    again = pickle.loads(pickle.dumps(data))
    assert (str(again["a"]), str(again["b"]), again["a"] + 1) == ("00123", "1.50", 124)


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a: null}"])
def test_yaml_tags_that_make_bytes_or_sets_are_refused(tag: str) -> None:
    with pytest.raises(InputError, match="YAML tag not allowed"):
        parse_yaml(f"a: {tag}\n", "x.yaml")


def test_blank_annex_forms_carry_no_draft_mark(tmp_path: Path) -> None:
    result = run_case(next(c for c in CASES if c.id == "annex-blank"), tmp_path)
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "out").rglob("*.md"))]
    assert result.exit_code == 0 and texts
    assert not any("草稿" in t or "不得作为正式合同签署" in t for t in texts)


def test_a_libreoffice_template_gives_one_core_properties_part_the_contracts(tmp_path: Path) -> None:
    import zipfile

    run_case(next(c for c in CASES if c.id == "reference-docx-libreoffice"), tmp_path)
    with zipfile.ZipFile(tmp_path / "out" / "contract.docx") as package:
        names = package.namelist()
        core = package.read("docProps/core.xml").decode()
    assert len(names) == len(set(names)) and "<dc:title>酒店住宿服务反馈和评价合同</dc:title>" in core
