"""Reports for people: the periodic reviews as self-contained HTML pages and one workbook.

Built from :func:`workbench.coaching.review.periodic_review` (compute once, draw
separately); this package only lays the results out, in English or Chinese.

>>> from workbench.reports import review_file_names
>>> review_file_names(["R001"], "2026-Q1")
{'R001': '2026-Q1_rep_R001.html'}
"""

from workbench.reports.review_excel import review_sheets, workbook_file_name, write_review_workbook
from workbench.reports.review_html import (
    ReviewPages,
    rep_review_html,
    review_file_names,
    summary_file_name,
    team_summary_html,
    write_review_pages,
)
from workbench.reports.text import REVIEW_TEXT, review_text

__all__ = [
    "ReviewPages",
    "rep_review_html",
    "team_summary_html",
    "write_review_pages",
    "review_file_names",
    "summary_file_name",
    "review_sheets",
    "write_review_workbook",
    "workbook_file_name",
    "REVIEW_TEXT",
    "review_text",
]
