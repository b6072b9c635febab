"""Parameter checks with one wording, used by every public function and class.

Errors read like scikit-learn's: ``The 'by' parameter of compute_kpis must be one of
['rep', 'team', 'region', 'company'] or a list of them; got 'division' instead.``
The words *by*, *level* and *period* mean the same everywhere: ``by`` is an entity level
(rep, team, region, company), ``level`` an interval or confidence level, ``period`` a
period label (``2026-03``, ``2026-Q1``) or date.

Examples
--------
>>> check_choice("diagnose", "lang", "fr", ("en", "zh"))
Traceback (most recent call last):
...
ValueError: The 'lang' parameter of diagnose must be one of 'en', 'zh'; got 'fr' instead.
>>> check_by("compute_kpis", ["team", "rep", "team"])
['team', 'rep']
"""

from __future__ import annotations

from workbench.contract import ENTITY_TYPES
from workbench.periods import FREQS, Period, parse_period

__all__ = ["check_param", "check_choice", "check_by", "check_lang", "check_period", "LANGS"]

#: Languages of labels and evidence.
LANGS = ("en", "zh")


def check_param(owner: str, name: str, value, allowed_text: str, ok: bool) -> None:
    """Raise the one standard parameter error when ``ok`` is false."""
    if not ok:
        raise ValueError(f"The {name!r} parameter of {owner} must be {allowed_text}; got {value!r} instead.")


def check_choice(owner: str, name: str, value, choices):
    """``value`` if it is one of ``choices``, else the standard error listing them."""
    choices = tuple(choices)
    check_param(owner, name, value, "one of " + ", ".join(map(repr, choices)), value in choices)
    return value


def check_lang(owner: str, lang: str) -> str:
    """``lang`` if it is ``"en"`` or ``"zh"``."""
    return check_choice(owner, "lang", lang, LANGS)


def check_by(owner: str, by, allowed=ENTITY_TYPES) -> list[str]:
    """Entity levels from ``by`` (one level or a list of them), de-duplicated, in the given order."""
    levels = [by] if isinstance(by, str) else list(by) if by is not None else []
    ok = bool(levels) and all(isinstance(lv, str) and lv in allowed for lv in levels)
    check_param(owner, "by", by, f"one of {list(allowed)} or a list of them", ok)
    return list(dict.fromkeys(levels))


def check_period(owner: str, period, freqs=FREQS,
                 allowed: str = "a period label such as '2026-Q1' or '2026-03'") -> Period:
    """The :class:`~workbench.periods.Period` of a period label whose frequency is one of ``freqs``.

    >>> check_period("recognition", "2026", ("M", "Q"), "a month or a quarter label")
    Traceback (most recent call last):
    ...
    ValueError: The 'period' parameter of recognition must be a month or a quarter label; got '2026' instead.
    """
    try:
        parsed = parse_period(period)
    except (ValueError, TypeError):
        parsed = None
    check_param(owner, "period", period, allowed, parsed is not None and parsed.freq in freqs)
    return parsed
