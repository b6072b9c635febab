"""The periodic review as one Excel workbook: the tables of the pages, one sheet each.

Sheets (named in the review's language): reps (the team summary's table), KPIs (every
rep's KPIs beside the medians), team KPIs, trends (the charts' numbers), findings,
coaching plan, modules, group sessions and, when a recognition table was given,
recognition. Numbers stay numbers; headers and text are in English or Chinese.

The workbook is written by :func:`workbench.io.results.write_result`, the one writer of
result files, which writes text a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` …) as inert text cells.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.coaching.review import PeriodicReview
from workbench.io.results import write_result
from workbench.params import check_lang
from workbench.reports.review_tables import (
    awards_table,
    findings_table,
    kpi_table,
    modules_table,
    plan_table,
    roster_table,
    sessions_table,
    team_kpis_table,
    trend_table,
)
from workbench.reports.text import review_text

__all__ = ["review_sheets", "write_review_workbook", "workbook_file_name"]


def workbook_file_name(period: str) -> str:
    """``2026-Q1_review.xlsx``."""
    from workbench.reports.review_html import summary_file_name

    return summary_file_name(period).replace("_team_summary.html", "_review.xlsx")


def review_sheets(review: PeriodicReview, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The workbook's sheets: sheet name → table with headers in ``lang``."""
    check_lang("review_sheets", lang)
    t = review_text(lang)
    tables = {
        "sheet_reps": roster_table(review.roster, lang, with_awards=review.awards is not None),
        "sheet_kpis": kpi_table(review.kpis, lang, with_rep=True),
        "sheet_team_kpis": team_kpis_table(review.team_kpis, lang),
        "sheet_trends": trend_table(review.trends, lang),
        "sheet_findings": findings_table(review.findings, lang, with_entity=True),
        "sheet_plan": plan_table(review.skills, lang, with_rep=True),
        "sheet_modules": modules_table(review.modules, lang, with_rep=True),
        "sheet_sessions": sessions_table(review.sessions, lang),
    }
    if review.awards is not None:
        tables["sheet_awards"] = awards_table(review.awards, lang)
    return {t[key]: table.labelled() for key, table in tables.items()}


def write_review_workbook(review: PeriodicReview, path, lang: str = "en") -> Path:
    """Write :func:`review_sheets` to ``path`` (an ``.xlsx`` file); returns the path."""
    return write_result(review_sheets(review, lang), path)
