"""What the sub-commands print, in English or Chinese: catalogue words, tables, number columns.

Every word a command prints comes from the CLI section of :mod:`workbench.messages`
(keys ``cli.*``) or from a domain registry (KPI labels); every number from
:mod:`workbench.formatting`, so no table cell is ever written in scientific notation.
Files written with ``-o`` keep raw numbers: these helpers only shape the printed text.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"entity_id": ["R1", "R2"], "value": ["1,200", "35%"]})
>>> print(table_text(frame, {"entity_id": "cli.col.entity", "value": "cli.col.value"}, "zh"))
对象  数值
  R1 1,200
  R2   35%
>>> numbers([3158400.0, float("nan")], "currency")
['3,158,400', '–']
>>> say("cli.note", "zh", text="csat_mean skipped")
'提示：csat_mean skipped'
"""

from __future__ import annotations

import sys

from workbench.formatting import format_value
from workbench.messages import MESSAGES, message

__all__ = ["say", "table_text", "numbers", "level_label", "yes_no", "fail", "pad"]


def say(key: str, lang: str = "en", **fields) -> str:
    """The catalogue text of ``key`` (a ``cli.*`` key of :mod:`workbench.messages`) in ``lang``."""
    return message(key, lang, **fields)


def numbers(values, unit: str, lang: str = "en", decimals: int | None = None) -> list[str]:
    """Each value written in ``unit`` (:func:`workbench.formatting.format_value`)."""
    return [format_value(v, unit, decimals, lang=lang) for v in values]


def level_label(level: str, lang: str = "en") -> str:
    """An entity level (``rep``, ``team``, ``region``, ``company``) as a word in ``lang``."""
    return say(f"cli.level.{level}", lang) if f"cli.level.{level}" in MESSAGES else str(level)


def yes_no(flag, lang: str = "en") -> str:
    """``yes`` / ``no`` (``是`` / ``否``); missing stays an en dash."""
    if flag is None or flag != flag:
        return "–"
    return say("cli.yes" if bool(flag) else "cli.no", lang)


def table_text(frame, headers: dict, lang: str = "en", rows: int | None = None, **options) -> str:
    """``frame`` printed with its columns headed by catalogue words.

    Parameters
    ----------
    frame : DataFrame
        The cells, already written as text where they are numbers.
    headers : dict
        Column → a ``cli.*`` message key; columns not listed keep their name.
    lang : {"en", "zh"}
    rows : int, optional
        Print only the first ``rows`` rows.
    **options
        pandas display options (``width``, ``max_colwidth``, …) without ``display.``.

    Notes
    -----
    Chinese characters take two columns in a terminal; pandas is told so
    (``display.unicode.east_asian_width``), so the columns stay aligned.
    """
    import pandas as pd

    shown = frame.head(rows) if rows is not None else frame
    shown = shown.rename(columns={c: say(key, lang) for c, key in headers.items()})
    settings = {"width": 200, "max_columns": 30, "max_rows": 200, "max_colwidth": 100, **options}
    flat = [x for name, value in settings.items() for x in (f"display.{name}", value)]
    with pd.option_context(*flat, "display.unicode.east_asian_width", lang == "zh"):
        return shown.to_string(index=False)


def pad(text, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns, counting a Chinese character as two.

    >>> pad("签约额", 8) + "|", pad("ab", 4, right=True) + "|"
    ('签约额  |', '  ab|')
    """
    import unicodedata

    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill


def fail(command: str, text: str, code: int = 2, lang: str = "en") -> int:
    """Print ``<command>: error: text`` on stderr (``错误`` in Chinese); return ``code``."""
    print(say("cli.error", lang, command=command, text=text), file=sys.stderr)
    return code
