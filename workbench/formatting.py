"""Numbers and counts written for people: one formatter for apps, notebooks, reports and the CLI.

>>> from workbench.formatting import format_value, format_distinct, count_label
>>> format_value(1234.5, "currency"), format_value(0.456, "share"), format_value(3.25, "hours")
('1,234', '46%', '3.2 h')
>>> format_value(0.031, "pp"), format_value(float("nan"), "share")
('+3.1 pp', '–')

Numbers read side by side (a value, its benchmark and the bounds of its interval) are
written together, with as many decimals as it takes for different numbers to look
different:

>>> format_distinct([0.58, 1.21, 0.55, 0.62], decimals=1)
['0.58', '1.21', '0.55', '0.62']
>>> format_distinct([0.612, 0.614], "rate")
['61.2%', '61.4%']
>>> count_label(1, "company"), count_label(80, "rep"), count_label(1, "company", lang="zh")
('1 company', '80 reps', '1 家公司')

**Chinese** (``lang="zh"``). Chinese finance readers use the same digits, the same ``,``
thousands separator and the same ``%`` as English; only the words of the units change
(``天``, ``小时``, ``个百分点``). Tables and summaries therefore write every amount in full,
exactly as the English output does, so a figure reads the same in both languages and
matches the exported files and workbooks. 万 / 亿 (ten thousand / hundred million) are
for short headline figures only, on request (:func:`format_compact`), never in a
column of numbers, where mixed units would break the comparison down the column. No
number is ever written in scientific notation:

>>> format_value(3158400.0, "currency", lang="zh"), format_value(12.5, "days", lang="zh")
('3,158,400', '12 天')
>>> format_value(0.031, "pp", lang="zh"), format_value(2.5e-7, "ratio"), format_value(4.2e15, "")
('+3.1 个百分点', '0.00', '4,200,000,000,000,000.00')
>>> format_compact(3158400, "zh"), format_compact(3158400, "en"), format_compact(215_000_000, "zh")
('315.84万', '3.16M', '2.15亿')
"""

from __future__ import annotations

import math
import re

import pandas as pd

__all__ = ["format_value", "format_distinct", "format_compact", "count_label", "plural", "natural_key", "is_missing",
           "LANGS"]

#: Languages numbers and counts are written in.
LANGS = ("en", "zh")

#: Decimals each unit is written with by default.
_DECIMALS = {
    "share": 0, "rate": 0, "percent": 0, "rate1": 1, "signed_share": 0, "pp": 1,
    "currency": 0, "count": 0, "days": 0, "hours": 1, "×": 2, "signed": 3,
}
#: Units whose numbers are fractions written as percentages.
_PERCENT_UNITS = ("share", "rate", "percent", "rate1", "signed_share", "pp")
#: Most decimals :func:`format_distinct` adds to a unit's default.
_MAX_EXTRA_DECIMALS = 4
#: Unit words after a number, per language (every other unit reads the same in both).
_SUFFIXES = {"en": {"days": " d", "hours": " h", "pp": " pp"},
             "zh": {"days": " 天", "hours": " 小时", "pp": " 个百分点"}}


def is_missing(value) -> bool:
    """Whether ``value`` is an empty cell (None, NaN, NA or NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"The 'lang' parameter must be 'en' or 'zh'; got {lang!r} instead.")


def format_value(value, unit: str = "", decimals: int | None = None, *, lang: str = "en") -> str:
    """Write ``value`` in its unit; missing values as an en dash.

    Parameters
    ----------
    value : float
        The number.
    unit : str
        ``share`` / ``rate`` / ``percent`` (a fraction: ``46%``), ``rate1`` (``45.6%``),
        ``signed_share`` (``+12%``), ``pp`` (a change of a fraction, in percentage points),
        ``currency`` / ``count`` (``1,234``), ``days`` (``12 d``), ``hours`` (``3.2 h``),
        ``×`` (a multiple: ``1.50×``), ``signed`` (``+0.074``); anything else a plain
        number with two decimals.
    decimals : int, optional
        Decimals to write instead of the unit's default (for percentages: decimals of
        the percentage, so ``1`` writes ``45.6%``).
    lang : {"en", "zh"}
        Language of the unit words (``12 d`` / ``12 天``); the number itself is written
        alike in both (see the module notes).

    Returns
    -------
    str
        Never scientific notation, whatever the size of the number.
    """
    _check_lang(lang)
    if is_missing(value):
        return "–"
    value = float(value)
    d = _DECIMALS.get(unit, 2) if decimals is None else int(decimals)
    if unit in ("share", "rate", "percent", "rate1"):
        text = f"{value:.{d}%}"
    elif unit == "signed_share":
        text = f"{value:+.{d}%}"
    elif unit == "pp":
        text = f"{value * 100:+.{d}f}{_SUFFIXES[lang]['pp']}"
    elif unit in ("currency", "count"):
        text = f"{value:,.{d}f}"
    elif unit in ("days", "hours"):
        text = f"{value:,.{d}f}{_SUFFIXES[lang][unit]}"
    elif unit == "×":
        text = f"{value:,.{d}f}×"
    elif unit == "signed":
        text = f"{value:+,.{d}f}"
    else:
        text = f"{value:,.{d}f}"
    return _no_negative_zero(text, signed=unit in ("signed_share", "pp", "signed"))


def _no_negative_zero(text: str, signed: bool) -> str:
    """``-0.0`` reads as a sign error: a number that rounds to zero is ``0.0`` (``+0.0`` when signed)."""
    if text.startswith("-") and not re.search(r"[1-9]", text):
        return ("+" if signed else "") + text[1:]
    return text


def format_distinct(values, unit: str = "", *, decimals: int | None = None, significant: int = 4,
                    lang: str = "en") -> list[str]:
    """Write numbers that are read side by side so that different numbers look different.

    A value, its benchmark and the bounds of its interval are written with the same
    number of decimals: the unit's default (or ``decimals``), plus as many more as it
    takes for two different numbers not to print alike ("95% CI 0.55–0.62", not
    "0.6–0.6"). Numbers that are equal to ``significant`` significant digits count as
    equal (more decimals would print noise); at most four decimals are added.

    Parameters
    ----------
    values : sequence of float
        The numbers; missing ones are written as an en dash and do not count.
    unit : str
        A unit of :func:`format_value`.
    decimals : int, optional
        The fewest decimals to write (default: the unit's default).
    significant : int
        Significant digits at which two numbers that still print alike count as equal.
    lang : {"en", "zh"}
        Language of the unit words, as in :func:`format_value`.

    Returns
    -------
    list of str
        One text per value, in order.

    Examples
    --------
    >>> format_distinct([0.6123, 0.6341], decimals=1)
    ['0.61', '0.63']
    >>> format_distinct([22.61, 22.64], "hours")
    ['22.61 h', '22.64 h']
    >>> format_distinct([8000.2, 8000.4, 7000.0], "currency")   # equal to 4 significant digits
    ['8,000', '8,000', '7,000']
    >>> format_distinct([53.8, 22.6, 46.3, 62.5], "hours")      # already distinct: unchanged
    ['53.8 h', '22.6 h', '46.3 h', '62.5 h']
    """
    numbers = [None if is_missing(v) else float(v) for v in values]
    scale = 100.0 if unit in _PERCENT_UNITS else 1.0
    base = _DECIMALS.get(unit, 2) if decimals is None else int(decimals)
    present = sorted({v for v in numbers if v is not None and math.isfinite(v)})

    def enough(a: float, b: float) -> int:  # decimals that show `significant` digits of both
        return min(base + _MAX_EXTRA_DECIMALS, max(base, significant - 1 - _exponent(max(abs(a), abs(b)) * scale)))

    # Neighbours (in sorted order) that still differ once written with enough digits;
    # numbers equal to that many digits never ask for more decimals.
    apart = [(a, b) for a, b in zip(present, present[1:])
             if format_value(a, unit, enough(a, b)) != format_value(b, unit, enough(a, b))]
    d = base
    while d < base + _MAX_EXTRA_DECIMALS and any(format_value(a, unit, d) == format_value(b, unit, d)
                                                  for a, b in apart):
        d += 1
    return [format_value(v, unit, d, lang=lang) for v in numbers]


#: Steps of a short amount: (size, English suffix, Chinese suffix), largest first.
_COMPACT = ((1e12, "T", "万亿"), (1e9, "B", None), (1e8, None, "亿"), (1e6, "M", None), (1e4, None, "万"),
            (1e3, "k", None))


def format_compact(value, lang: str = "en", decimals: int = 2) -> str:
    """A short amount for a headline: ``3.16M`` in English, ``315.84万`` in Chinese.

    Chinese counts large amounts in 万 (10⁴) and 亿 (10⁸), not in thousands and
    millions. Meant for a single figure (a headline, a tile); tables keep full amounts
    (:func:`format_value`).

    Parameters
    ----------
    value : float
        The amount; missing values are written as an en dash.
    lang : {"en", "zh"}
    decimals : int
        Decimals of the shortened number (trailing zeros are dropped).

    Examples
    --------
    >>> format_compact(9_500, "zh"), format_compact(12_000, "zh"), format_compact(-2_500_000, "en")
    ('9,500', '1.2万', '-2.5M')
    >>> format_compact(1.5e12, "zh"), format_compact(float("nan"))
    ('1.5万亿', '–')
    """
    _check_lang(lang)
    if is_missing(value):
        return "–"
    value = float(value)
    for size, en, zh in _COMPACT:
        suffix = zh if lang == "zh" else en
        if suffix is not None and abs(value) >= size:
            number = f"{value / size:,.{decimals}f}"
            if "." in number:
                number = number.rstrip("0").rstrip(".")
            return _no_negative_zero(number, signed=False) + suffix
    return format_value(value, "count")


def _exponent(x: float) -> int:
    """Power of ten of the leading digit of ``x`` (0 for 0)."""
    return math.floor(math.log10(x)) if x > 0 else 0


_ZH_COUNTED = {"rep": "名销售", "team": "个团队", "region": "个区域", "company": "家公司",
               "period": "个周期", "KPI": "项指标", "row": "行", "KPI column": "个指标列",
               "stage pair": "个阶段组合", "detail": "个细分", "finding": "项发现", "target": "个目标",
               "deal": "笔交易", "month": "个月", "rep review": "份销售评估"}
_IRREGULAR_PLURALS = {"person": "people"}


def plural(n: int, noun: str) -> str:
    """The English ``noun`` for ``n`` things: ``company`` / ``companies``, ``KPI`` / ``KPIs``.

    >>> plural(1, "rep"), plural(2, "company"), plural(0, "KPI column"), plural(3, "stage pair")
    ('rep', 'companies', 'KPI columns', 'stage pairs')
    """
    if n == 1:
        return noun
    head, _, last = noun.rpartition(" ")
    if last in _IRREGULAR_PLURALS:
        last = _IRREGULAR_PLURALS[last]
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def count_label(n: int, noun: str, lang: str = "en") -> str:
    """A count with its noun: ``1 company``, ``80 reps``; in Chinese ``80 名销售``.

    Parameters
    ----------
    n : int
        How many.
    noun : str
        The singular English noun (``rep``, ``team``, ``region``, ``company``, ``period``,
        ``KPI``, ``row``, ``KPI column``, ``stage pair``, ``detail``, ``finding``, ``target``,
        ``deal``, ``month`` and ``rep review`` also have a Chinese form with its measure word).
    lang : {"en", "zh"}

    Examples
    --------
    >>> count_label(23, "KPI column", "zh"), count_label(4, "stage pair", "zh")
    ('23 个指标列', '4 个阶段组合')
    """
    _check_lang(lang)
    if lang == "zh":
        return f"{int(n):,} {_ZH_COUNTED.get(noun, noun)}"
    return f"{int(n):,} {plural(int(n), noun)}"


def natural_key(text) -> tuple:
    """Sort key that orders numbers inside text by value: ``R2`` before ``R10``, ``Team 9`` before ``Team 10``.

    >>> sorted(["R10", "R2", "r1", "Team 10", "Team 9"], key=natural_key)
    ['r1', 'R2', 'R10', 'Team 9', 'Team 10']
    """
    parts = [p for p in re.split(r"(\d+)", str(text)) if p != ""]
    folded = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)
    return folded, str(text)  # ties (R01 / R1, r1 / R1) in a fixed order
