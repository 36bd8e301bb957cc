"""Fidelity of the shipped clause library (``clauses/``) to the source contract template.

The library was drafted from ``tests/fixtures/source/cleaned.md`` (the cleaned source text). Every
sentence of the source's ten base articles and of its seven 解决办法 (solution) paragraphs must
survive: either verbatim in the library text, or listed in ``tests/fixtures/rewordings.yaml``
together with a phrase of the library that now carries its meaning and the reason for the change.

How the source is read:

- the base articles run from the line ``1. 引言…`` up to ``(以下无正文)``; the solutions are the
  lines starting with ``解决办法:``;
- article and sub-clause numbers (``2.1``), their headings (``服务提供者的义务``) and list markers
  (``- ``) are stripped;
- ASCII punctuation is normalised to full width (``,`` → ``，``, ``:`` → ``：``, ``(`` → ``（``);
- the text is split into sentences on ``。`` and ``；``, trailing ``：`` and ``，`` are dropped.

A sentence counts as verbatim when it occurs in the library after the source's party names are
replaced by the contract's (服务提供者 → 乙方, 客户 → 甲方). The ``source`` of a rewording is the
sentence with normalised punctuation but the source's own party names.

The library is read with ``yaml.safe_load`` only; these tests do not use the contractgen loader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contractgen.lint import REGISTER

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CLAUSES = ROOT / "clauses"
SOURCE = TESTS / "fixtures" / "source" / "cleaned.md"
REWORDINGS = TESTS / "fixtures" / "rewordings.yaml"

ASCII_TO_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})
# Headings of the source's articles and sub-clauses, as they run into the text after the number.
HEADINGS = sorted(
    [
        "引言",
        "服务反馈",
        "服务评价",
        "评价结果的运用",
        "保密条款",
        "违约责任",
        "争议解决",
        "合同的生效、变更和终止",
        "其他约定",
        "附则",
        "服务提供者的义务",
        "客户的义务",
        "评价方式",
        "评价时间",
        "评价结果的公示",
    ],
    key=len,
    reverse=True,
)
PARTY_NAMES = (("服务提供者", "乙方"), ("客户", "甲方"))
NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
SOLUTION = "解决办法:"
MIN_PHRASE = 8  # a rewording's library phrase must be at least this many characters

CJK_OR_FULL_WIDTH = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
ASCII_PUNCT_NEAR_CJK = re.compile(rf"[{CJK_OR_FULL_WIDTH}][,:;()?!]|[,:;()?!][{CJK_OR_FULL_WIDTH}]")
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
PINYIN_IN_BRACKETS = re.compile(rf"[（(]\s*[a-z{TONE_MARKS}]+\s*[)）]")
TRADITIONAL = set("務與說時則應條評價議約終關權產證據費際過護隱個")


# --- reading the source ----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """ASCII punctuation → full width, surrounding blanks removed."""
    return text.translate(ASCII_TO_FULL_WIDTH).strip()


def as_parties(sentence: str) -> str:
    """The sentence with the source's party names replaced by 甲方 / 乙方, and its bare 应 written 应当
    as the contract register has it (lint's own pattern)."""
    for old, new in PARTY_NAMES:
        sentence = sentence.replace(old, new)
    return REGISTER["lint.register-ying"].sub("应当", sentence)


def _strip_line(line: str) -> str:
    """One line of a base article without its number, heading or list marker."""
    line = line.strip()
    if line.startswith("- "):
        return line[2:].strip()
    number = NUMBER.match(line)
    if number:
        line = line[number.end() :]
        for heading in HEADINGS:
            if line.startswith(heading):
                return line[len(heading) :]
    return line


def _sentences(text: str) -> list[str]:
    out = []
    for part in re.split(r"[。；]", normalise(text)):
        part = part.strip().rstrip("：，").strip()
        if part:
            out.append(part)
    return out


def source_parts() -> tuple[list[str], list[str]]:
    """The lines of the ten base articles and the seven solution paragraphs."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^1\.\s*引言", line))
    end = next(i for i, line in enumerate(lines) if line.strip() == "(以下无正文)")
    base = [_strip_line(line) for line in lines[start:end] if line.strip()]
    solutions = [line[len(SOLUTION) :] for line in lines if line.startswith(SOLUTION)]
    return [line for line in base if line], solutions


def source_sentences() -> list[str]:
    """Every sentence to keep, in source order, without duplicates."""
    base, solutions = source_parts()
    seen: dict[str, None] = {}
    for text in base + solutions:
        for sentence in _sentences(text):
            seen.setdefault(sentence, None)
    return list(seen)


# --- reading the library ----------------------------------------------------------------------------


def library_files() -> list[Path]:
    return sorted(CLAUSES.glob("*.yaml"))


def strings(node: Any) -> Iterator[str]:
    """Every string value in a YAML document (mapping keys excluded)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def library_text() -> str:
    return "\n".join(s for path in library_files() for s in strings(load(path)))


def rewordings() -> list[dict[str, Any]]:
    data = yaml.safe_load(REWORDINGS.read_text(encoding="utf-8"))
    assert isinstance(data, list), "tests/fixtures/rewordings.yaml must be a list"
    return data


SENTENCES = source_sentences()
LIBRARY = library_text()
REWORDED = {entry["source"]: entry for entry in rewordings() if isinstance(entry, dict) and "source" in entry}


# --- the source is read as expected ----------------------------------------------------------------


def test_source_is_split_into_articles_and_solutions() -> None:
    base, solutions = source_parts()
    assert base[0].startswith("本合同文档旨在确立服务反馈和评价机制"), base[0]
    assert base[-1].startswith("本合同自双方签字"), base[-1]
    assert len(solutions) == 7, solutions
    assert not any(re.match(r"^\d", line) for line in base), "an article number was not stripped"
    assert not any(heading in SENTENCES for heading in HEADINGS), "a heading was taken for a sentence"
    assert len(SENTENCES) > 50
    assert all("," not in s and ":" not in s and "(" not in s for s in SENTENCES)


# --- every source sentence survives ----------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES, ids=[f"s{i:02d}" for i in range(len(SENTENCES))])
def test_source_sentence_is_kept(sentence: str) -> None:
    if sentence in LIBRARY or as_parties(sentence) in LIBRARY:
        return
    entry = REWORDED.get(sentence)
    assert entry is not None, (
        f"source sentence missing from clauses/ and not listed in tests/fixtures/rewordings.yaml: {sentence!r} "
        f"(looked for {as_parties(sentence)!r})"
    )
    assert entry["library"] in LIBRARY, (
        f"rewording of {sentence!r}: its library phrase {entry['library']!r} is not in clauses/"
    )


def test_rewordings_are_well_formed() -> None:
    problems = []
    seen = set()
    for i, entry in enumerate(rewordings()):
        if not isinstance(entry, dict) or set(entry) != {"source", "library", "reason"}:
            problems.append(f"entry {i}: needs exactly the keys source, library, reason: {entry!r}")
            continue
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in ("source", "library", "reason")):
            problems.append(f"entry {i}: source, library and reason must be non-empty text")
            continue
        if entry["source"] in seen:
            problems.append(f"entry {i}: source listed twice: {entry['source']!r}")
        seen.add(entry["source"])
        if entry["source"] not in SENTENCES:
            problems.append(f"entry {i}: not a sentence of the source (stale or mistyped): {entry['source']!r}")
        if len(entry["library"]) < MIN_PHRASE:
            problems.append(f"entry {i}: library phrase too short to be distinctive: {entry['library']!r}")
        if entry["library"] not in LIBRARY:
            problems.append(f"entry {i}: library phrase not found in clauses/: {entry['library']!r}")
    assert not problems, "\n".join(problems)


# --- the library text is clean Chinese -------------------------------------------------------------


def _offences(check: re.Pattern[str] | set[str]) -> list[str]:
    found = []
    for path in library_files():
        for text in strings(load(path)):
            if isinstance(check, set):
                bad = sorted({ch for ch in text if ch in check})
                if bad:
                    found.append(f"{path.name}: {''.join(bad)} in {text.strip()[:60]!r}")
            else:
                match = check.search(text)
                if match:
                    found.append(f"{path.name}: {match.group()!r} in {text.strip()[:60]!r}")
    return found


def test_no_ascii_punctuation_next_to_chinese() -> None:
    offences = _offences(ASCII_PUNCT_NEAR_CJK)
    assert not offences, "ASCII punctuation in Chinese text (use ，：；（）？！):\n" + "\n".join(offences)


def test_no_pinyin_in_brackets() -> None:
    offences = _offences(PINYIN_IN_BRACKETS)
    assert not offences, "pinyin in brackets:\n" + "\n".join(offences)


def test_no_traditional_characters() -> None:
    offences = _offences(TRADITIONAL)
    assert not offences, "traditional characters:\n" + "\n".join(offences)


def test_contract_calls_the_parties_jiafang_and_yifang() -> None:
    assert "服务提供者" not in LIBRARY, "the library should call the service provider 乙方"


# --- the files are sound YAML and hang together ----------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.name)
def test_file_parses_without_duplicate_keys(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=_UniqueKeyLoader) == yaml.safe_load(text)


BUILTINS = {"customer_role", "provider_role", "industry_name", "customer_name", "provider_name"}
ID = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")
NAME = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
REF = re.compile(r"\{\{\s*ref\('([^']*)'\)\s*\}\}")


def _nodes() -> list[tuple[dict, dict | None]]:
    """(node, its article or None) for every article, nested clause and attached clause."""
    out: list[tuple[dict, dict | None]] = []
    for path in library_files():
        data = load(path) or {}
        for article in data.get("articles") or []:
            out.append((article, None))
            out += [(clause, article) for clause in article.get("clauses") or []]
        out += [(clause, None) for clause in data.get("clauses") or []]
    return out


def test_ids_are_valid_and_unique() -> None:
    ids = [node["id"] for node, _ in _nodes()]
    assert all(ID.match(i) for i in ids), [i for i in ids if not ID.match(i)]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_templates_use_declared_variables_and_stable_references() -> None:
    declared: dict[str, str] = {}
    for path in library_files():
        for name in (load(path) or {}).get("variables") or {}:
            assert name not in declared, f"{name} declared in {declared[name]} and {path.name}"
            declared[name] = path.name
    nodes = _nodes()
    by_id = {node["id"]: (node, parent) for node, parent in nodes}

    def optional(node: dict, parent: dict | None) -> bool:
        outer = parent or {}
        return (
            node.get("kind") in ("optional", "alternative")
            or outer.get("kind") == "optional"
            or bool(node.get("excludable"))
            or bool(outer.get("excludable"))
        )

    problems = []
    for node, parent in nodes:
        texts = [node.get("text") or "", *(node.get("items") or [])]
        for text in texts:
            for name in NAME.findall(text):
                if name not in declared and name not in BUILTINS:
                    problems.append(f"{node['id']}: undeclared variable {name}")
            for target in REF.findall(text):
                if target not in by_id:
                    problems.append(f"{node['id']}: ref to unknown id {target!r}")
                elif not optional(node, parent) and optional(*by_id[target]):
                    problems.append(f"{node['id']}: a base clause refers to {target!r}, which may be left out")
    used = set(NAME.findall(LIBRARY))
    used |= {word for node, _ in nodes for word in re.findall(r"[a-z_][a-z0-9_]*", node.get("condition") or "")}
    problems += [f"variable {name} ({file}) is never used" for name, file in declared.items() if name not in used]
    assert not problems, "\n".join(problems)
