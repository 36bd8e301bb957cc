"""Tokens for diffing Chinese contract text: what one deletion or insertion may be at the least.

Owns the tokenizer of ``contractgen diff``. A lawyer reads a change of amount, day count, date,
party name or law as one change of the whole thing (``三十日`` → ``十五日``, never ``三`` → ``十五``),
and other wording by words, never scattered characters. So text is cut into:

- *atomic tokens* by rule, in this order: template tags (``{{ var }}``, ``{% … %}``); law and document
  names in 《》; amounts (``人民币（大写）壹万贰仟捌佰元整（¥12,800.00）`` or ``人民币 12,800.00 元（大写：…）``
  as one token, or the
  大写 alone); dates (``2026年12月1日``, ``2026-12-01``, ``二〇二六年十二月一日``); percentages
  (``5%``, ``百分之三十``); ordinals and references (``第三条``, ``第3.2条``, ``附件二``, ``（1）``);
  a number with its unit or measure word (``30日``, ``三十个工作日``, ``15周岁``, ``两份``);
  organisation names ending in 公司/集团/仲裁委员会… (``上海浦江酒店管理有限公司``); short quoted
  terms (``“服务”``); Latin words, numbers, codes, e-mail addresses and telephone numbers; runs of
  white space;
- *words* for the rest of each Chinese run: the most probable segmentation by a word list with
  frequencies (``diff_lexicon.txt``, derived from jieba's dictionary), found by dynamic programming
  as jieba does without its HMM; an unknown character stands alone;
- *single characters* for punctuation and anything else.

Only the text's own tokens are cut here; a filled value (``Run(kind="value")``) is always one token,
made by the diff itself. Everything is a pure function of the text, so OLD and NEW are cut alike.

The word list is generated, with jieba installed, by::

    words = {w: f for w, f in (l.split()[:2] for l in open(jieba_dict)) }  # jieba/dict.txt
    top = sorted((w for w in words if is_cjk(w) and 2 <= len(w) <= 4), key=lambda w: (-int(words[w]), w))
    keep = set(top[:10000]) | {w for w in jieba.cut(library_text, HMM=False) if is_cjk(w) and 2 <= len(w) <= 8}
    keep |= {w for w in words if is_cjk(w) and len(w) == 1 and int(words[w]) >= 500}

written as ``word frequency`` lines after a ``total N`` line (N: the sum of all of jieba's frequencies).
"""

from __future__ import annotations

import functools
import math
import re
from importlib.resources import files

__all__ = ["is_cjk", "is_word", "tokenize", "tokens"]

_NUM = "零〇一二两三四五六七八九十百千万亿"
_CAPS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
_DIGITS = r"[0-9０-９]+(?:[,，][0-9]{3})*(?:\.[0-9]+)?"
# Units and measure words that belong to the number before them (longest first).
_UNITS = (
    "个工作日|个自然日|工作日|自然日|个小时|小时|分钟|秒钟|周岁|个月|个季度|季度|年度|星期|万元|千元|元|"
    "公里|千米|千克|公斤|平方米|立方米|倍|年|月|周|日|天|时|分|秒|岁|次|名|人|位|份|条|款|项|页|件|台|间|"
    "晚|间夜|张|本|套|辆|家|笔|级|星|米|克|课时|节|期|届|层|户|批|元整"
)
_SINGLE_NUM = "一二两三四五六七八九十"
_ORG_SUFFIX = "有限责任公司|股份有限公司|有限公司|分公司|集团|仲裁委员会|仲裁中心|事务所|公司"
# Words that may stand right before a name without a separator (提交上海仲裁委员会); cut off a name.
_ORG_LEAD = re.compile("^(?:提交|递交|移交|交由|委托|选择|指定|约定|聘请|授权|申请|通过|经过|属于|成为|作为|包括)")
_PATTERNS = [
    r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",  # template tags
    r"《[^《》\n]{1,60}》",  # law and document names
    # amounts: 人民币（大写）……元（¥……） as the contracts write them, one token; or currency, figure, unit,
    # and the 大写 in brackets after it, as other documents do
    rf"人民币（大写）[{_CAPS}元角分整]+（[¥￥]{_DIGITS}）",
    rf"(?:人民币|RMB|CNY|￥|¥)\s*{_DIGITS}\s*(?:万元|元)?(?:（大写[：:][^）\n]{{1,40}}）)?",
    rf"{_DIGITS}\s*(?:万元|元)(?:（大写[：:][^）\n]{{1,40}}）)?",
    rf"[{_CAPS}]+元(?:[{_CAPS}]角)?(?:[{_CAPS}]分)?整?",
    # dates and times
    r"[0-9]{4}\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?",
    r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?",
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?![0-9])",
    r"[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日",
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?",
    # percentages
    rf"百分之[{_NUM}点]+|{_DIGITS}\s*[%％‰]",
    # ordinals and references
    rf"第\s*(?:[0-9]+(?:\.[0-9]+)*|[{_NUM}]+)\s*(?:条|款|项|章|节|部分|次|年|个月|日|天|名|期|届|层)?",
    rf"附件[{_NUM}0-9]+",
    rf"（(?:[0-9]{{1,3}}|[{_NUM}]{{1,3}})）",
    # e-mail addresses, codes, telephone numbers, versions, Latin words (with digits)
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
    r"[0-9A-Za-z]+(?:[\-/_+:][0-9A-Za-z]+)+(?:\.[0-9A-Za-z]+)*|[0-9]+(?:\.[0-9]+){2,}",
    r"[0-9]*[A-Za-z][0-9A-Za-z]*(?:\.[0-9A-Za-z]+)*",
    # a number with its unit (a single Chinese numeral with its unit is left to the words: 统一日期)
    rf"{_DIGITS}(?![0-9A-Za-z])\s*(?:{_UNITS})?",
    rf"[{_NUM}]{{2,}}(?:个)?(?:{_UNITS})?",
    # organisation names: name characters after a boundary, up to a suffix; the excluded characters
    # are the ones that stand between a name and the words around it (甲方为…, 与…, 由…).
    r"(?<![^\W为与和及或由向对在是将被给从于经即系至到交托择定聘请])"
    rf"(?P<org>[^\s\W甲乙方的为与和及或由向对在是将把被给从于经即系指称该本其各此等]{{2,24}}?(?:{_ORG_SUFFIX}))",
    r"“[^“”\n]{1,20}”|‘[^‘’\n]{1,20}’",  # short quoted terms
    r"\s+",
]
_ATOMIC = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_UNIT_RE = re.compile(f"(?:个)?(?:{_UNITS})")
_NUMBER_UNIT_LOGF = math.log(2000)
"""A single numeral with its unit (三日, 两份) counts as a word this frequent when segmenting."""
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MAX_WORD = 8


def is_cjk(ch: str) -> bool:
    """Whether a character is a Chinese character (not punctuation)."""
    return bool(_CJK_RUN.fullmatch(ch))


def is_word(text: str) -> bool:
    """Whether the text is a word of the lexicon (of two characters or more)."""
    return len(text) >= 2 and text in _lexicon()[0]


@functools.cache
def _lexicon() -> tuple[dict[str, float], float]:
    """Word → log frequency, and the log of the total (loaded once per process)."""
    text = files("contractgen").joinpath("diff_lexicon.txt").read_text(encoding="utf-8")
    words: dict[str, float] = {}
    total = 1.0
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, count = line.split()
        if word == "total":
            total = float(count)
        else:
            words[word] = math.log(int(count))
    return words, math.log(total)


def _words(run: str) -> list[str]:
    """The most probable segmentation of a run of Chinese characters (jieba's route, without HMM)."""
    words, log_total = _lexicon()
    n = len(run)
    score = [0.0] * (n + 1)
    step = [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        # An unknown character counts as a word of frequency 1 (log 0).
        best, best_len = -log_total + score[i + 1], 1
        if run[i] in words:
            best = words[run[i]] - log_total + score[i + 1]
        for length in range(2, min(_MAX_WORD, n - i) + 1):
            logf = words.get(run[i:i + length])
            if logf is not None:
                s = logf - log_total + score[i + length]
                if s > best:
                    best, best_len = s, length
        if run[i] in _SINGLE_NUM:
            unit = _UNIT_RE.match(run, i + 1)
            if unit:
                length = unit.end() - i
                s = max(words.get(run[i:i + length], 0.0), _NUMBER_UNIT_LOGF) - log_total + score[i + length]
                if s > best:
                    best, best_len = s, length
        score[i], step[i] = best, best_len
    out = []
    i = 0
    while i < n:
        out.append(run[i:i + step[i]])
        i += step[i]
    return out


def _plain(text: str, out: list[str]) -> None:
    """Words for Chinese runs, single characters for everything else."""
    pos = 0
    for match in _CJK_RUN.finditer(text):
        out.extend(text[pos:match.start()])
        out.extend(_words(match.group()))
        pos = match.end()
    out.extend(text[pos:])


@functools.lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[tuple[str, bool], ...]:
    """The tokens of a text, each with whether it is atomic (cut by rule, never to be split);
    joined they give the text back exactly."""
    out: list[tuple[str, bool]] = []
    plain: list[str] = []
    pos = 0
    for match in _ATOMIC.finditer(text):
        if not match.group():
            continue
        start = match.start()
        if match.group("org"):
            lead = _ORG_LEAD.match(match.group())
            if lead and match.end() - start - lead.end() > 2:
                start += lead.end()  # the verb before the name is a word of its own
        if start > pos:
            plain.clear()
            _plain(text[pos:start], plain)
            out += [(t, False) for t in plain]
        out.append((text[start:match.end()], True))
        pos = match.end()
    if pos < len(text):
        plain.clear()
        _plain(text[pos:], plain)
        out += [(t, False) for t in plain]
    return tuple(out)


def tokenize(text: str) -> tuple[str, ...]:
    """The tokens of a text; joined they give the text back exactly."""
    return tuple(t for t, _ in tokens(text))
