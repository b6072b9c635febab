"""Quarantine reasons in either language.

The ``reason`` column of a quarantine is English and stays so (files, tests and scripts
read it). Each reason is one of a small set of templates with parameters, kept in
:mod:`workbench.messages` under ``reason.*`` with the Chinese side by side (the row checks
of :mod:`workbench.io.validate` and :mod:`workbench.io.plausible` write their English
reasons from these templates); this module reads a stored reason back into its template
and parameters and writes it in the language asked for, at display time, so nothing is
added to the quarantine or the cache. A reason that matches no template (a CSV parser's
own message, say) is shown as stored.

>>> render_reason("negative amount", "zh")
'amount 为负数'
>>> render_reason("rep_id was quarantined from reps (row 5: negative amount)", "zh")
'rep_id 所指的行已在 reps 中被隔离（第 5 行：amount 为负数）'
>>> render_reason("negative amount", "en")
'negative amount'
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

import pandas as pd

from workbench.formatting import format_value
from workbench.messages import MESSAGES
from workbench.params import check_lang

__all__ = ["render_reason", "with_reason_zh", "REASON_KEYS"]

#: Fields that hold a reason of their own (rendered in turn).
_NESTED = ("reason",)
#: Fields that hold a number (written without scientific notation outside English).
_NUMBERS = ("minimum", "maximum", "bound")


def _reason_keys() -> tuple[str, ...]:
    # longest English text first, so that a specific template wins over a general one
    keys = [k for k in MESSAGES if k.startswith("reason.")]
    return tuple(sorted(keys, key=lambda k: -len(MESSAGES[k]["en"])))


#: The catalogue keys of the quarantine reasons, most specific first.
REASON_KEYS = _reason_keys()


def _pattern(template: str) -> re.Pattern:
    """A regular expression matching ``template`` with its ``{fields}`` as named groups."""
    parts, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


@lru_cache(maxsize=None)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((key, _pattern(MESSAGES[key]["en"])) for key in REASON_KEYS)


@lru_cache(maxsize=4096)
def _render(reason: str, lang: str) -> str:
    for key, pattern in _patterns():
        match = pattern.match(reason)
        if match is None:
            continue
        fields = match.groupdict()
        for name in _NESTED:
            if name in fields:
                fields[name] = _render(fields[name], lang)
        for name in _NUMBERS:
            if name in fields:
                fields[name] = _number(fields[name], lang)
        return MESSAGES[key][lang].format(**fields)
    return reason


def _number(text: str, lang: str) -> str:
    """``1e+15`` -> ``1,000,000,000,000,000`` (the stored text kept if it is not a number)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return format_value(value, "count" if value == int(value) else "", lang=lang)


def render_reason(reason: str, lang: str = "en") -> str:
    """A stored (English) quarantine reason written in ``lang``.

    Parameters
    ----------
    reason : str
        The ``reason`` of a quarantine row.
    lang : {"en", "zh"}
        Language; English returns ``reason`` unchanged.

    Returns
    -------
    str
        The reason in ``lang``; column, table and file names and quoted values stay as
        they are. A reason matching no template is returned as stored.
    """
    check_lang("render_reason", lang)
    if lang == "en" or not isinstance(reason, str) or not reason:
        return reason
    return _render(reason, lang)


def with_reason_zh(quarantine: pd.DataFrame) -> pd.DataFrame:
    """``quarantine`` with a ``reason_zh`` column after ``reason`` (a new frame; the input is untouched).

    >>> q = pd.DataFrame({"row": [3], "reason": ["unparseable number"], "check": ["unparseable_number"]})
    >>> with_reason_zh(q).columns.tolist(), with_reason_zh(q)["reason_zh"][0]
    (['row', 'reason', 'reason_zh', 'check'], '无法解析的数字')
    """
    out = quarantine.copy()
    reasons = out["reason"].astype("object")
    distinct = {r: render_reason(r, "zh") for r in pd.unique(reasons.dropna())}
    out.insert(out.columns.get_loc("reason") + 1, "reason_zh", reasons.map(distinct).astype(out["reason"].dtype))
    return out
