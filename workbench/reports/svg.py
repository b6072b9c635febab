"""Review trend charts as inline SVG, drawn offline with vl-convert (no browser, no CDN).

Drawing is the cost of the reviews, so a chart is compiled to a Vega specification once
per language and second KPI, and each rep's rows are swapped into it before it is drawn
(about one vl-convert call per rep).
"""

from __future__ import annotations

import re

from workbench.charts.review import chart_rows, review_trend_chart, review_trend_data

__all__ = ["TrendSvg", "inline_svg"]

_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="http://www\.w3\.org/(?:2000/svg|1999/xlink)"')


def inline_svg(svg: str) -> str:
    """An SVG document ready to sit inside an HTML page: without its XML namespace attributes
    (an HTML parser puts ``<svg>`` in the SVG namespace itself), so the page names no URL."""
    return _NAMESPACES.sub("", svg, count=2)


class TrendSvg:
    """Draw :func:`~workbench.charts.review.review_trend_chart` of rep after rep as inline SVG.

    Parameters
    ----------
    months : sequence of str
        The months of every chart (``PeriodicReview.months``).
    lang : {"en", "zh"}
    """

    def __init__(self, months, lang: str = "en"):
        self.months = list(months)
        self.lang = lang
        self._compiled: dict[str, tuple[str, dict]] = {}

    def __call__(self, rep) -> str:
        """The SVG of one :class:`~workbench.coaching.review.RepReview`'s trends."""
        import vl_convert as vlc  # imported on first use: it starts a JavaScript engine

        metric = rep.trend_metric
        if metric not in self._compiled:
            spec = review_trend_chart(rep.trend, metric, self.lang, self.months).to_dict()
            self._compiled[metric] = (spec["data"]["name"], vlc.vegalite_to_vega(spec))
        name, vega = self._compiled[metric]
        values = chart_rows(review_trend_data(rep.trend, metric, self.lang, self.months))
        spec = {**vega, "data": [{**d, "values": values} if d.get("name") == name else d for d in vega["data"]]}
        return inline_svg(vlc.vega_to_svg(spec, allowed_base_urls=[]))  # no fetching
