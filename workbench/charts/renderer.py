"""Altair charts that draw with no network: in JupyterLab and in a notebook exported to HTML.

Altair's default renderer loads Vega from a CDN, so an analyst offline (or anyone opening an
exported ``.html`` file offline) sees "Error loading script" instead of a chart. One call in a
notebook's first cell switches to a renderer that embeds the Vega / Vega-Lite / vega-embed
JavaScript shipped inside ``vl-convert-python`` (no download, ever):

>>> import workbench.charts
>>> workbench.charts.offline()  # doctest: +SKIP

The JavaScript (about 0.9 MB) goes into the output of the first chart a kernel draws after
:func:`offline`, once; every later chart is a few hundred bytes plus its data and draws with
the JavaScript already on the page. ``jupyter nbconvert --to html`` keeps the outputs in order,
so the exported page carries the library once and draws every chart offline. Calling
:func:`offline` again (e.g. after clearing that first output) sends the library again with the
next chart. The Voila apps do not use this: their charts are ``JupyterChart`` widgets
(:func:`workbench.apps.chart_widget`), which :func:`enable_offline_widgets` makes draw
offline with one copy of the library per page (:func:`vega_library`).

A chart whose script runs on a page without the library (its first chart's output was
cleared, or the page was reloaded without re-running it) says so in place of the chart,
with the fix, instead of staying blank.
"""

from __future__ import annotations

import functools
import html
import json
import os
import uuid

import altair as alt

__all__ = ["RENDERER_NAME", "offline", "OfflineRenderer"]

#: Name of the renderer in ``alt.renderers`` that :func:`offline` enables.
RENDERER_NAME = "workbench_offline"

#: vega-embed options: the export menu (PNG / SVG) works offline; the links to the online
#: Vega editor and the source views are left out.
EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}

#: How long a chart waits for the library before saying it is missing (milliseconds).
WAIT_MS = 15000

_MISSING = ("This chart needs the chart library that the first chart of the notebook carries. "
            "Run workbench.charts.offline() and this cell again.")

_DRAW = """<script type="text/javascript">
(function (spec, embedOptions) {{
  var el = document.getElementById("{div_id}");
  var started = Date.now();
  (function draw() {{
    if (window.vegaEmbed) {{
      window.vegaEmbed(el, spec, embedOptions).catch(function (err) {{ el.textContent = String(err); }});
    }} else if (Date.now() - started > {wait_ms}) {{
      el.textContent = {missing};
    }} else {{
      setTimeout(draw, 50);
    }}
  }})();
}})({spec}, {options});
</script>"""


def _script_json(value) -> str:
    """``value`` as JSON safe inside an HTML ``<script>`` (no ``</script>`` or ``<!--`` can end it)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _kept_text(name: str, build) -> str:
    """``build()``'s text, kept as ``vega/<name>`` in the cache folder (:func:`workbench.memo.cache_root`).

    Bundling Vega takes seconds in every new kernel; the bundle only changes with the library
    versions, which ``name`` carries. A cache that cannot be read or written is not an error.
    """
    from workbench.memo import cache_root, caching_enabled

    path = cache_root() / "vega" / name
    if caching_enabled():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    text = build()
    if caching_enabled():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)  # whole or not at all
        except OSError:
            pass
    return text


#: How long a chart widget waits for the page's chart library before saying it is missing (milliseconds).
WIDGET_WAIT_MS = 120_000

# The chart widget's own module: a few hundred bytes that wait for the library the page's one
# VegaLibrary widget loads, then draw with it (Altair's JupyterChart code, bundled with Vega).
_CHART_LOADER = """const KEY = %(key)s;
function library() {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    (function wait() {
      const loaded = globalThis.__workbenchVega && globalThis.__workbenchVega[KEY];
      if (loaded) { resolve(loaded); }
      else if (Date.now() - started > %(wait_ms)d) { reject(new Error(%(missing)s)); }
      else { setTimeout(wait, 20); }
    })();
  });
}
async function render(context) {
  let lib;
  try { lib = await library(); }
  catch (err) { context.el.textContent = String(err.message || err); return; }
  return lib.default.render(context);
}
export default { render };
"""

# The library widget's module: evaluates the bundle it carries once per page, under its key.
_LIBRARY_LOADER = """function initialize({ model }) {
  const libraries = (globalThis.__workbenchVega = globalThis.__workbenchVega || {});
  const key = model.get("key");
  if (!libraries[key]) {
    const url = URL.createObjectURL(new Blob([model.get("source")], { type: "text/javascript" }));
    libraries[key] = import(url);
  }
}
export default { initialize };
"""

_LIBRARY_MISSING = "The chart library did not arrive on this page; reload the page."


def _widget_bundle() -> tuple[str, str]:
    """Altair's ``JupyterChart`` code bundled with Vega (its offline module) and a key naming its versions,
    kept in the cache folder so a new kernel does not bundle again."""
    import vl_convert

    widget = alt.JupyterChart
    key = f"jupyterchart-altair{alt.__version__}-vl-convert{vl_convert.__version__}"

    def build() -> str:  # what enable_offline() puts in the class, without leaving it there
        kept = widget._esm, widget._is_offline
        widget._is_offline = False
        try:
            widget.enable_offline()
            return widget._esm
        finally:
            widget._esm, widget._is_offline = kept

    return key, _kept_text(f"{key}.js", build)


@functools.cache
def vega_library():
    """The widget that brings the chart library (about 0.9 MB) to the page once, for every chart widget.

    ``alt.JupyterChart.enable_offline()`` puts Vega into every chart widget's own module, so a
    page with four charts receives and evaluates it four times. After
    :func:`enable_offline_widgets` each chart widget's module is a small loader instead, which
    draws with the library this one widget loads; it has no view (it need not be displayed:
    the page creates every widget of its kernel) and is made once per kernel.
    """
    import anywidget
    import traitlets

    class VegaLibrary(anywidget.AnyWidget):
        _esm = _LIBRARY_LOADER
        key = traitlets.Unicode().tag(sync=True)
        source = traitlets.Unicode().tag(sync=True)

    key, source = _widget_bundle()
    return VegaLibrary(key=key, source=source)


def enable_offline_widgets() -> None:
    """Make ``alt.JupyterChart`` widgets draw with no network, the page loading Vega once.

    Each chart widget's module becomes a small loader that draws with the library
    :func:`vega_library` brings to the page (Altair's offline ``JupyterChart`` code with Vega,
    as ``alt.JupyterChart.enable_offline()`` bundles it, kept in the cache folder so a new
    kernel does not bundle again).
    """
    library = vega_library()
    if library.comm is None:  # closed (``Widget.close_all()``): the page needs a live one
        vega_library.cache_clear()
        library = vega_library()
    loader = _CHART_LOADER % {"key": _script_json(library.key), "wait_ms": WIDGET_WAIT_MS,
                              "missing": _script_json(_LIBRARY_MISSING)}
    alt.JupyterChart._esm, alt.JupyterChart._is_offline = loader, True


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None = None) -> str:
    """The vega-embed JavaScript bundle (Vega, Vega-Lite, vega-embed) shipped by vl-convert.

    Built once per process (a few seconds the first time), then reused. It defines
    ``window.vegaEmbed``.
    """
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    version = vl_version or vl_version_for_vl_convert()
    bundle = _kept_text(f"vega-embed-vl{version}-vl-convert{vl_convert.__version__}.js",
                        lambda: vl_convert.javascript_bundle(vl_version=version))
    # Inline in a <script>: make sure nothing in it can close the element early.
    return bundle.replace("</script", "<\\/script").replace("<!--", "<\\!--")


class OfflineRenderer:
    """An Altair renderer: ``spec -> {"text/html": ..., "text/plain": ...}`` that draws offline.

    The first chart it renders carries :func:`vega_bundle`; the others only their spec. A new
    instance (what :func:`offline` registers) starts again with the library.

    Parameters
    ----------
    embed_options : dict, optional
        vega-embed options; default :data:`EMBED_OPTIONS`.

    Examples
    --------
    >>> render = OfflineRenderer()
    >>> render.library_sent
    False
    >>> spec = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}
    >>> first, second = render(spec)["text/html"], render(spec)["text/html"]  # doctest: +SKIP
    >>> len(first) > 500_000 > len(second)  # doctest: +SKIP
    True
    """

    def __init__(self, embed_options: dict | None = None):
        self.embed_options = dict(EMBED_OPTIONS if embed_options is None else embed_options)
        self.library_sent = False

    def __call__(self, spec: dict, **metadata) -> dict:
        div_id = f"wb-chart-{uuid.uuid4().hex}"
        parts = [f'<div id="{div_id}" class="wb-offline-chart"></div>']
        if not self.library_sent:
            parts.append(f'<script type="text/javascript">\n{vega_bundle()}\n</script>')
            self.library_sent = True
        parts.append(_DRAW.format(div_id=div_id, wait_ms=WAIT_MS, missing=_script_json(_MISSING),
                                  spec=_script_json(spec), options=_script_json(self.embed_options)))
        title = spec.get("title") if isinstance(spec, dict) else None
        if isinstance(title, dict):
            title = title.get("text")
        plain = f"<Altair chart{': ' + html.escape(str(title)) if title else ''}>"
        return {"text/html": "\n".join(parts), "text/plain": plain}


def offline(embed_options: dict | None = None) -> None:
    """Draw every Altair chart of this kernel offline, also in ``nbconvert --to html`` exports.

    Put it in a notebook's first cell. It registers and enables :class:`OfflineRenderer`
    under :data:`RENDERER_NAME`; the next chart carries the chart library, later ones reuse it.

    Parameters
    ----------
    embed_options : dict, optional
        vega-embed options; default :data:`EMBED_OPTIONS` (export menu only).

    Examples
    --------
    >>> import altair as alt
    >>> previous = alt.renderers.active
    >>> offline()
    >>> alt.renderers.active
    'workbench_offline'
    >>> _ = alt.renderers.enable(previous)
    """
    alt.renderers.register(RENDERER_NAME, OfflineRenderer(embed_options))
    alt.renderers.enable(RENDERER_NAME)
