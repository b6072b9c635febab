"""One catalogue of the words the apps, charts, reviews and CLI show, in English and 简体中文.

Domain names live with their definitions (a KPI's label in :mod:`workbench.kpi.registry`, a
lever's in :mod:`workbench.targets.levers`); every other piece of text a user reads (a
button, a chart title, an axis, a legend, a tooltip, a status line or an error shown in an
app) is a key here, with both languages side by side, so a missing translation is one
place to look and one test to fail.

>>> message("data.source", "zh")
'数据来源'
>>> message("data.loaded", "en", rows="1,200")
'Loaded 1,200 rows.'
"""

from __future__ import annotations

from workbench.params import check_lang

__all__ = ["MESSAGES", "message"]

#: ``key -> {"en": text, "zh": text}``; ``{name}`` fields are filled by :func:`message`.
MESSAGES: dict[str, dict[str, str]] = {
    # --- shared by every app ---------------------------------------------------------------
    "app.language": {"en": "Language", "zh": "语言"},
    # --- apps: the data source (picker and upload) -----------------------------------------
    "data.source": {"en": "Data source", "zh": "数据来源"},
    "data.loaded": {"en": "Loaded {rows} rows.", "zh": "已载入 {rows} 行。"},
    # --- charts: titles, axes, legends and tooltips ----------------------------------------
    # --- apps: KPI scorecard ---------------------------------------------------------------
    # --- apps: forecast outlook ------------------------------------------------------------
    # --- apps: team diagnosis --------------------------------------------------------------
    # --- apps: coaching --------------------------------------------------------------------
    # --- apps: targets what-if -------------------------------------------------------------
    # --- CLI -------------------------------------------------------------------------------
}


def message(key: str, lang: str = "en", **fields) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled from ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`.
    lang : {"en", "zh"}
        Language.
    **fields
        Values for the text's ``{name}`` fields (already formatted numbers, names).

    Raises
    ------
    KeyError
        For a key the catalogue lacks, naming it.
    """
    check_lang("message", lang)
    try:
        entry = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in workbench.messages.MESSAGES") from None
    return entry[lang].format(**fields) if fields else entry[lang]
