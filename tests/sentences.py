"""What the computing packages write in Chinese, for the sentence tests: no English left.

:func:`english_left` builds a list of English words from the sentences an English run wrote
(``note``, ``why``, ``reason`` …) and returns those that a Chinese run's sentences still
contain. Ids, names and other data (``allowed``), column and file names (a word with an
underscore, such as ``stage_history``) and acronyms in capitals (MASE, P10) read the same
in both languages and do not count.
"""

from __future__ import annotations

import re

#: A word of three letters or more (``M`` for million or ``x`` for a weight are units).
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(str(text)) if "_" not in w and not w.isupper()}


def data_words(data) -> set[str]:
    """Every word of the sample's names: reps, teams, regions, stages, products, sources, competitors."""
    words = set()
    for table, columns in (("reps", ("rep_id", "name", "team", "region")),
                           ("opportunities", ("product", "source", "competitor", "lost_reason", "segment"))):
        frame = getattr(data, table, None)
        for column in columns:
            if frame is not None and column in frame:
                words |= {w.lower() for v in frame[column].dropna().unique() for w in WORD.findall(str(v))}
    words |= {w.lower() for s in data.stages for w in WORD.findall(str(s))}
    return words


def english_left(zh_texts, en_texts, allowed=()) -> list[str]:
    """Words of the English sentences ``en_texts`` that the Chinese sentences ``zh_texts`` contain."""
    allowed = {a.lower() for a in allowed}
    english = {w.lower() for t in en_texts for w in _words(t)} - allowed
    assert english, "the English run wrote no sentence to compare with"
    return sorted({w.lower() for t in zh_texts for w in _words(t)} & english)


def nonempty(texts) -> list[str]:
    """The texts that say something."""
    return [str(t) for t in texts if isinstance(t, str) and t.strip()]
