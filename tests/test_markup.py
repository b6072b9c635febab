"""The one escaping rule: the apps' ``escape_html`` and the review pages' templates write data alike."""

from __future__ import annotations

import pytest

from tests.hostile.html_cases import PAYLOADS
from workbench.markup import escape_html


@pytest.mark.parametrize("field", sorted(PAYLOADS))
def test_apps_and_review_pages_escape_a_payload_the_same_way(field):
    from workbench.reports.review_html import _template

    pages = _template().environment  # the review pages' Jinja2 environment
    page = pages.from_string("<td>{{ text }}</td>").render(text=PAYLOADS[field])
    assert page == f"<td>{escape_html(PAYLOADS[field])}</td>"
    assert "<" not in escape_html(PAYLOADS[field]) and '"' not in escape_html(PAYLOADS[field])


def test_text_is_escaped_once_however_often_it_is_passed_on():
    once = escape_html("Tom & Jerry <b>")
    assert escape_html(escape_html(once)) == once == "Tom &amp; Jerry &lt;b&gt;"
    assert escape_html(None) == "" and escape_html(-5) == "-5"
