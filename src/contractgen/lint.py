"""``contractgen lint``: every problem of a library, including what the loader tolerates.

On top of the loader's schema and cross-reference checks: variables declared but never used, two
variables of one contract sharing a label (one obligation asked twice), aliases that name two things
(``names.clashes``), and
clauses with wording that excludes or limits liability (不承担, 免除, 自行承担…) and no
``standard_term`` mark (a 格式条款 the customer must be alerted to, or reviewed as none), and
damage left over from the scraped source (pinyin in brackets, traditional characters, ASCII
punctuation inside Chinese sentences, stray question marks), words out of the contract register (a
bare 应 for 应当, 仅得, 条款与条件, 包括但不限于……等; a clause saying 本条), and laws cited by hand instead of through
``law()`` (the registry's names and article numbers are the one truth). Damage is found line by line in the
files themselves, so each report names the exact line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from . import names
from .errors import Problem
from .files import UnreadableFile, read_bounded
from .i18n import msg
from .library import FOLDERS, LIABILITY_WORDS, Library, Variable, builtin_library_dir, read_library
from .registries import BY_HAND
from .yamlio import MAX_FILE_BYTES

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN = re.compile(rf"[（(]\s*[a-zü{TONE_MARKS}]*[{TONE_MARKS}][a-zü{TONE_MARKS}]*\s*[)）]")
# ", " and ": " after a Chinese word are YAML flow syntax ([满意, 一般], {customer: 客人}), not text.
ASCII_PUNCT = re.compile(rf"[{CJK}](?:[;!()]|[,:](?! ))|[,;:!()][{CJK}]")
STRAY = re.compile(r"[?\ufffd]")
# The contract register (应当 / 可以 / 不得): a bare 应 where 应当 is meant — not the 应 of 相应, 响应, 对应,
# 供应, 适应, 反应, 应急, 应用, 应退 (应退房费: the amount due), nor 应对 after 为 or 情况 (to respond to) — and the
# translated or doubled
# wordings the review found. Message id → the wording.
REGISTER = {
    "lint.register-ying": re.compile(r"(?<![相响对供适反为况])应(?![当急用]|退(?!还))|(?<=[为况])应(?![当急用对]|退(?!还))"),
    "lint.register-jinde": re.compile(r"仅得"),
    "lint.register-terms-and-conditions": re.compile(r"条款与条件"),
    "lint.register-not-limited-etc": re.compile(r"包括但不限于[^。；：，]*等(?!级)"),
}
REGISTER_MESSAGE = {  # written out, so the catalog test sees every id
    "lint.register-ying": lambda text: msg("lint.register-ying", text=text),
    "lint.register-jinde": lambda text: msg("lint.register-jinde", text=text),
    "lint.register-terms-and-conditions": lambda text: msg("lint.register-terms-and-conditions", text=text),
    "lint.register-not-limited-etc": lambda text: msg("lint.register-not-limited-etc", text=text),
}
# What is no contract wording: a label (a name specs use), a law's article summary in the registry (its
# own words: 人民法院应予支持).
NOT_WORDING = re.compile(r"^\s*(-\s*)?(label:|\d+:)")
# Common traditional forms that differ from their simplified characters: what the source's
# simplified→traditional damage produced, and what a paste from a Taiwan or Hong Kong text brings.
TRADITIONAL = frozenset(
    "務與說時則應條評價議約終關權產證據費際過護隱個們這會為來對發經學動實現與東車長門問間"
    "開關電話語讀寫書買賣號碼體內網絡絡術業專屬質變樣樓檢驗測試標準據據數據庫單擊點處聯繫係"
    "裡裏後並從當還邊達遠違運進選遲適遺遞優傳僅價儲兒黨內況減億備復將歲戶廠廣慶應憑戰總態慮"
    "擔據擇撥擁損換擬據報場壞壓壯聲處夠頭夾奪獎婦嬰寧寶審導層屆峽幣師帶幫廳廢彈歸錄徵從復"
    "戀懸懷懲規視覽觀計訂認討訓託記訪設許訴註詢該詳誤說請諾課調談論諮謝證識譯議護讓變貨責"
    "貸費貿資賠賬賴購贈趨車軟載較輛輕輸辦農邊郵鄉醫針銷鋪錢錯鍵鐘長閉閱陸陰險隨難雖雙雜離"
    "雲電靜頁項順須預領頻題額風飲飯館驗體麼齊齡"
)


def _around(content: str, found: re.Match[str]) -> str:
    """The words found, with a few characters either side: a bare 应 alone says nothing."""
    return content[max(0, found.start() - 4):found.end() + 4].strip()


def scan_damage(path: Path, display: str) -> list[Problem]:
    """Source damage in one file, by line."""
    problems = []
    try:
        lines = read_bounded(path, MAX_FILE_BYTES).decode("utf-8-sig").splitlines()
    except (UnreadableFile, UnicodeDecodeError):
        return []  # the loader already reported it
    for number, line in enumerate(lines, 1):
        content = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        if PINYIN.search(content):
            problems.append(Problem(display, number, "", msg("lint.pinyin", text=PINYIN.search(content).group())))
        traditional = sorted({ch for ch in content if ch in TRADITIONAL})
        if traditional:
            problems.append(Problem(display, number, "", msg("lint.traditional", chars="".join(traditional))))
        if ASCII_PUNCT.search(content):
            problems.append(Problem(display, number, "", msg("lint.ascii-punctuation", text=ASCII_PUNCT.search(content).group())))
        if STRAY.search(content) and not content.lstrip().startswith(("pattern:", "- pattern")):
            problems.append(Problem(display, number, "", msg("lint.stray")))
        if not NOT_WORDING.match(content):
            problems += [Problem(display, number, "", REGISTER_MESSAGE[code](_around(content, found)))
                         for code, pattern in REGISTER.items() if (found := pattern.search(content))]
        by_hand = BY_HAND.search(content)
        # Cited through law(), a name and an article come from the registry: one truth. A law's
        # enacting document and the record of how it was checked (``number:``, ``verified:`` in the
        # registry) are no citations.
        if by_hand and not content.lstrip().startswith(("number:", "verified:")):
            problems.append(Problem(display, number, "", msg("lint.citation-by-hand", text=by_hand.group())))
        hidden = next((c for c in line if unicodedata.category(c) == "Cf"), None)
        if hidden is not None:  # as in a spec's values: prints as nothing, or turns the text around
            problems.append(Problem(display, number, "", msg("lint.format-character", code=f"{ord(hidden):04X}",
                                                             name=unicodedata.name(hidden, "FORMAT CHARACTER"))))
    return problems


def _one_variable_per_obligation(library: Library) -> list[Problem]:
    """Two variables one contract uses under one label are one period asked twice (education had
    个人信息安全事件通知时限 twice: the contract and its annex could state two numbers for one duty);
    a name under ``replaces`` that is still declared would be both read and refused."""
    problems = []
    for industry in library.industries:
        by_label: dict[str, list[Variable]] = {}
        for variable in library.variables_for(industry.id):
            by_label.setdefault(variable.label, []).append(variable)
        for label, shared in by_label.items():
            if len(shared) > 1:
                later = shared[-1]
                problems.append(Problem(later.loc.path, later.loc.line, f"variables.{later.name}.label",
                                        msg("lint.label-shared", ids=tuple(v.name for v in shared), label=label,
                                            industry=industry.id)))
    declared = {v.name for v in library.variables}
    for variable in library.variables:
        for name in variable.replaces:
            if name in declared:
                problems.append(Problem(variable.loc.path, variable.loc.line, f"variables.{variable.name}.replaces",
                                        msg("lint.replaced-declared", name=name)))
    return problems


def lint(layers: Sequence[Path] = ()) -> list[Problem]:
    """Every problem in the shipped library plus ``layers``, sorted by file and line."""
    library, problems = read_library(layers)
    if not problems:  # a library that loads: render every template as a build would
        from .compose import check_templates

        problems += check_templates(library)
    used: set[str] = set()
    for article in library.articles:
        used |= article.uses
        for clause in article.clauses:
            used |= clause.uses
    for annex in library.annexes:
        used |= annex.uses
    for variable in library.variables:
        if variable.name not in used:
            problems.append(Problem(variable.loc.path, variable.loc.line, f"variables.{variable.name}",
                                    msg("lint.unused-variable"), label=variable.label))
    for variable in library.variables:
        if variable.pattern and not variable.pattern_label:
            problems.append(Problem(variable.loc.path, variable.loc.line, f"variables.{variable.name}.pattern_label",
                                    msg("lint.pattern-unlabelled"), label=variable.label))
    for article in library.articles:
        for node in (article, *article.clauses):
            wording = " ".join((node.text, *getattr(node, "items", ())))
            found = LIABILITY_WORDS.search(wording)
            if found and node.standard_term is None:
                problems.append(Problem(node.loc.path, node.loc.line, "standard_term",
                                        msg("lint.standard-term-unmarked", id=node.id, words=found.group())))
            if node is not article and "本条" in wording:
                problems.append(Problem(node.loc.path, node.loc.line, "text", msg("lint.clause-says-article", id=node.id)))
    problems += _one_variable_per_obligation(library)
    for item, alias, ids in names.clashes(library):  # across layers too: the library is merged
        problems.append(Problem(item.loc.path, item.loc.line, "aliases", msg("lint.alias-clash", alias=alias, ids=ids)))
    for i, root in enumerate([builtin_library_dir(), *layers]):
        prefix = "" if i == 0 else f"{str(root).rstrip('/')}/"
        for folder in FOLDERS:
            directory = root / folder
            if directory.is_dir():
                for path in sorted(directory.glob("*.y*ml")):
                    problems += scan_damage(path, f"{prefix}{folder}/{path.name}")
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.msg.render("en") if p.code else str(p.msg)))
