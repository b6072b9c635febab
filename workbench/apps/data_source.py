"""The data-source picker every app shows above its panel, and the shell that rebuilds the panel.

An app notebook is one call: ``app(KpiScorecard)`` loads the default data once (the
sample data, or ``$WORKBENCH_DATA``; see :func:`~workbench.apps.common.default_data_source`),
builds ``KpiScorecard(data, lang=...)`` and shows it under a :class:`DataSourcePicker`.
The picker offers the default data, a folder on the server and an upload of CSV / XLSX
files or a zip of them, each read as workbench tables or as a CRM export with one of
the import presets. Everything goes through :func:`workbench.load`; the picker then shows
the data-quality report (rows read, loaded and quarantined per table, ignored files: the
report ``workbench validate`` prints), and a problem as a readable message while the
previous data stays. A new data set rebuilds the panel.

Uploads go to a temporary folder of the page's own kernel (:mod:`workbench.apps.uploads`),
so two browser sessions never see each other's data.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from pathlib import Path

import ipywidgets as widgets
import traitlets

from workbench.apps.common import ErrorBox, default_data_source, html_table
from workbench.apps.uploads import UPLOAD_EXTENSIONS, UploadFolder, upload_limits
from workbench.io.crm import preset_names
from workbench.io.limits import format_size
from workbench.io.load import load
from workbench.io.sales_data import SalesData
from workbench.markup import escape_html
from workbench.memo import keep_nothing_of
from workbench.messages import message
from workbench.params import check_lang

__all__ = ["DataSourcePicker", "DataApp", "app", "FOLDER_ROOT_ENV_VAR"]

#: Environment variable that, when set, confines the picker's folder field to folders inside it.
FOLDER_ROOT_ENV_VAR = "WORKBENCH_FOLDER_ROOT"

_KINDS = ("default", "folder", "upload")
_CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot", "zoho": "Zoho CRM", "jiandaoyun": "简道云 Jiandaoyun"}


class DataSourcePicker(widgets.VBox):
    """Pick the data an app shows: the default data, a folder on the server, or an upload.

    Parameters
    ----------
    source : str or Path, optional
        The default data; default :func:`~workbench.apps.common.default_data_source`
        (``$WORKBENCH_DATA``, else ``sample_data/``).
    lang : {"en", "zh"}
        Label language.
    load_default : bool
        Load the default data now (the first view); ``False`` leaves :attr:`data` empty.
    limits : UploadLimits, optional
        Upload limits; default :func:`~workbench.apps.uploads.upload_limits` (environment).

    Attributes
    ----------
    data : SalesData or None
        The data shown; set only when a load succeeds, so a refused source leaves it as it was.
    source_label : str
        What :attr:`data` is, in words (``sample data``, a folder path, ``upload (a.zip)``).
    loading : bool
        True while a source is being loaded (and the panel rebuilt on it).

    Notes
    -----
    The folder field reads any folder the server's user can read; set
    ``WORKBENCH_FOLDER_ROOT`` to confine it when the apps are shared (docs/app_data.md).
    """

    data = traitlets.Instance(SalesData, allow_none=True)
    source_label = traitlets.Unicode("")
    loading = traitlets.Bool(False)
    lang = traitlets.Unicode("en")

    def __init__(self, source=None, *, lang: str = "en", load_default: bool = True, limits=None, **kwargs):
        super().__init__(**kwargs)
        check_lang("DataSourcePicker", lang)
        self._default = source
        self._uploads: UploadFolder | None = None
        self._hide: Path | None = None  # the upload folder behind the data shown, left out of file paths
        self._relabelling = False
        self._limits = limits if limits is not None else upload_limits()
        self.kind_picker = widgets.ToggleButtons(options=[(k, k) for k in _KINDS], value="default",
                                                 style={"button_width": "auto"})
        self.format_picker = widgets.Dropdown(options=[("tables", "")], value="",
                                              layout=widgets.Layout(width="auto"))
        self.folder = widgets.Text(layout=widgets.Layout(width="360px"), continuous_update=False)
        self.load_button = widgets.Button(button_style="primary")
        self.upload = widgets.FileUpload(accept=",".join((*UPLOAD_EXTENSIONS, ".zip")), multiple=True)
        self.hint = widgets.HTML()
        self.folder_row = widgets.HBox([self.folder, self.load_button])
        self.upload_row = widgets.HBox([self.upload, self.hint])
        self.inputs = widgets.VBox()
        self.error = ErrorBox()
        self.status = widgets.HTML()
        self.report = widgets.HTML()
        self.title = widgets.HTML()
        self.children = [
            widgets.HBox([self.title, self.kind_picker], layout=widgets.Layout(flex_flow="row wrap")),
            self.inputs, self.error, self.status, self.report,
        ]
        self.add_class("wb-data-source")
        self.lang = lang
        self._relabel()
        self.kind_picker.observe(self._on_kind, names="value")
        self.load_button.on_click(lambda _: self.load_folder(self.folder.value))
        self.upload.observe(self._on_upload, names="value")
        self.observe(lambda _: self._relabel(), names="lang")
        self._on_kind()
        if load_default:
            self.load_default()

    # --- public: the three sources ---------------------------------------------------------

    def load_default(self) -> bool:
        """Load the default data (sample data or ``$WORKBENCH_DATA``); True when it loaded."""
        try:
            source = Path(self._default) if self._default is not None else default_data_source()
        except Exception as exc:  # no sample data and no WORKBENCH_DATA: say how to make some
            self.error.show(exc)
            return False
        return self._load(source, self._default_label(), preset="")

    def load_folder(self, folder) -> bool:
        """Load ``folder`` (a path on the server) with the chosen format; True when it loaded."""
        text = str(folder or "").strip()
        if not text:
            self.error.show(message("data.folder.missing", self.lang))
            return False
        path = Path(text).expanduser()
        root = os.environ.get(FOLDER_ROOT_ENV_VAR)
        if root and not _inside(path, Path(root).expanduser()):
            self.error.show(message("data.folder.outside", self.lang, folder=text, root=root))
            return False
        return self._load(path, str(path), preset=self.format_picker.value)

    def load_upload(self, files) -> bool:
        """Load uploaded files, given as ``(name, bytes)`` pairs; True when they loaded.

        The files are written to this session's temporary folder (zips extracted safely,
        sizes checked) and loaded with the chosen format. A refused upload is deleted and
        the data shown stays; an accepted one replaces (and deletes) the previous upload.
        """
        files = [(name, content) for name, content in files]
        label = message("data.upload.name", self.lang, files=", ".join(name for name, _ in files))
        if self._uploads is None or self._uploads.closed:
            self._uploads = UploadFolder(self._limits)
        uploads = self._uploads
        with self._busy(message("data.loading", self.lang, source=label)):
            try:
                folder = uploads.receive(files)
            except Exception as exc:
                self._show_failure(label, exc, hide=uploads.root)
                return False
        source = _workbook_or_folder(folder)
        if self._load(source, label, preset=self.format_picker.value, hide=folder):
            uploads.keep_only(folder)
            return True
        uploads.discard(folder)
        return False

    @property
    def upload_folder(self) -> Path | None:
        """This session's temporary upload folder (None before the first upload)."""
        return None if self._uploads is None else self._uploads.root

    def close(self):
        """Close the widget and delete this session's uploads."""
        if self._uploads is not None:
            self._uploads.close()
        super().close()

    # --- loading ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _busy(self, text: str):
        """Show ``text`` as a "loading" state and disable the controls while the block runs."""
        controls = [self.kind_picker, self.format_picker, self.folder, self.load_button, self.upload]
        was_loading = self.loading
        self.loading = True
        for control in controls:
            control.disabled = True
        self.status.value = f'<span class="wb-data-loading">⏳ {escape_html(text)}</span>'
        try:
            yield
        finally:
            for control in controls:
                control.disabled = False
            self.loading = was_loading
            if not was_loading:
                self._show_current()

    def _load(self, source, label: str, *, preset: str, hide: Path | None = None) -> bool:
        with self._busy(message("data.loading", self.lang, source=label)):
            self.error.clear()
            try:
                # an upload is this session's only: nothing of it, nor of what is computed from it, outlives it
                data = load(source, preset=preset or None, cache=hide is None)
                if hide is not None:
                    keep_nothing_of(data)
            except Exception as exc:  # shown to the viewer instead of a hidden traceback
                self._show_failure(label, exc, hide=hide)
                return False
            self._hide = hide
            with self.hold_trait_notifications():
                self.source_label = label
                self.data = data
        return True

    def busy(self, text: str):
        """A context manager showing ``text`` as the loading state (the shell uses it while it rebuilds)."""
        return self._busy(text)

    def _show_failure(self, label: str, exc: BaseException, *, hide: Path | None = None) -> None:
        previous = self.source_label or message("data.nothing", self.lang)
        detail = _without_folder(str(exc), hide, label)
        kind = "" if isinstance(exc, str) else f"{type(exc).__name__}: "
        self.error.value = (
            '<div class="wb-error" style="color:#8a1c1c;background:#fdecea;padding:8px;border-radius:4px">'
            f"<b>{escape_html(message('data.failed', self.lang, source=label, previous=previous))}</b><br>"
            f"{escape_html(kind + detail)}</div>"
        )

    def _show_current(self) -> None:
        data = self.data
        if data is None:
            self.status.value = ""
            self.report.value = ""
            return
        loaded, quarantined = sum(data.rows_loaded.values()), sum(data.rows_quarantined.values())
        text = message("data.showing", self.lang, source=self.source_label, loaded=f"{loaded:,}",
                       quarantined=f"{quarantined:,}")
        self.status.value = f'<span class="wb-data-status">{escape_html(text)}</span>'
        self.report.value = self._report_html(data)

    def _report_html(self, data: SalesData) -> str:
        tables = data.table_report()
        names = {c: message(f"data.report.{c}", self.lang) for c in ("table", "read", "loaded", "quarantined", "file")}
        shown = tables.assign(
            file=[Path(f).name if f else "" for f in tables["file"]],
            rows_read=[f"{n:,}" for n in tables["rows_read"]],
            rows_loaded=[f"{n:,}" for n in tables["rows_loaded"]],
            rows_quarantined=[f"{n:,}" for n in tables["rows_quarantined"]],
        ).set_index("table")[["rows_read", "rows_loaded", "rows_quarantined", "file"]]
        shown.index.name = names["table"]
        shown.columns = [names["read"], names["loaded"], names["quarantined"], names["file"]]
        table = html_table(shown, css_class="wb-data-report", numeric=set(shown.columns[:3]))
        ignored = ""
        if data.ignored_sources:
            text = message("data.report.ignored", self.lang, files=", ".join(data.ignored_sources))
            ignored = f"<p>{escape_html(text)}</p>"
        summary = escape_html(_without_folder(data.summary(lang=self.lang), self._hide, self.source_label))
        return (f'<details class="wb-data-report-details"><summary>{escape_html(message("data.report", self.lang))}'
                f"</summary>{table}{ignored}<pre style=\"font-size:12px;line-height:1.3\">{summary}</pre></details>")

    # --- widgets -------------------------------------------------------------------------------

    def _default_label(self) -> str:
        configured = self._default is not None or os.environ.get("WORKBENCH_DATA")
        return message("data.kind.configured" if configured else "data.kind.default", self.lang)

    def _relabel(self) -> None:
        lang = self.lang
        self.title.value = f"<b>{escape_html(message('data.source', lang))}</b>"
        self._relabelling = True  # new labels are not a new choice: keep the kind and format, load nothing
        try:
            kind, preset = self.kind_picker.value, self.format_picker.value
            self.kind_picker.options = [(self._default_label(), "default"),
                                        (message("data.kind.folder", lang), "folder"),
                                        (message("data.kind.upload", lang), "upload")]
            self.kind_picker.value = kind
            self.format_picker.options = [(message("data.format.tables", lang), "")] + [
                (message("data.format.preset", lang, crm=_CRM_NAMES.get(name, name.title())), name)
                for name in preset_names()]
            self.format_picker.value = preset
        finally:
            self._relabelling = False
        self.format_picker.description = message("data.format", lang)
        self.folder.placeholder = message("data.folder.placeholder", lang)
        self.load_button.description = message("data.folder.load", lang)
        self.upload.description = message("data.upload.button", lang)
        limits = self._limits
        hint = message("data.upload.hint", lang, total=format_size(limits.max_upload_bytes),
                       file=format_size(limits.max_upload_file_bytes))
        self.hint.value = f'<span style="color:#555;font-size:12px">{escape_html(hint)}</span>'
        if not self.loading:
            self._show_current()

    def _on_kind(self, change=None) -> None:
        if self._relabelling:
            return
        kind = self.kind_picker.value
        # the format picker joins the page only with the folder and upload inputs, so the default
        # view's dropdowns are the panel's own
        rows = {"folder": [self.format_picker, self.folder_row], "upload": [self.format_picker, self.upload_row]}
        self.inputs.children = rows.get(kind, [])
        if kind == "default" and change is not None and self.source_label != self._default_label():
            self.load_default()

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        self.load_upload([(f["name"], f["content"]) for f in files])
        with self.upload.hold_trait_notifications():
            self.upload.value = ()  # the next pick of the same file is a new upload; frees the bytes


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def _workbook_or_folder(folder: Path) -> Path:
    """One uploaded workbook not named after a table is a workbook of tables; anything else is a folder."""
    from workbench.contract import TABLES
    from workbench.io.readers import EXCEL_EXTENSIONS
    from workbench.io.validate import normalize_column_name

    files = [p for p in folder.iterdir() if p.is_file()]
    if len(files) == 1 and files[0].suffix.lower() in EXCEL_EXTENSIONS:
        if normalize_column_name(files[0].stem) not in TABLES:
            return files[0]
    return folder


def _without_folder(text: str, folder: Path | None, label: str) -> str:
    """``text`` with the session's temporary folder left out of file paths (the viewer knows the file names).

    >>> _without_folder("/tmp/wb/upload-1/reps.csv: bad; /tmp/wb/upload-1: no opportunities",
    ...                 Path("/tmp/wb/upload-1"), "upload (a.zip)")
    'reps.csv: bad; upload (a.zip): no opportunities'
    """
    if folder is None:
        return text
    for shown in sorted({str(folder), str(Path(folder).resolve())}, key=len, reverse=True):
        text = text.replace(f"{shown}{os.sep}", "").replace(shown, label)
    return text


class DataApp(widgets.VBox):
    """An app page: a :class:`DataSourcePicker` above a panel that is rebuilt when the data changes.

    Parameters
    ----------
    panel : type
        The panel class, called as ``panel(data, **options)`` (with ``lang=`` when it takes one).
    source : str or Path, optional
        The default data (see :class:`DataSourcePicker`).
    lang : {"en", "zh"}
        Label language, for the picker and the panel.
    **options
        More keyword arguments for the panel.

    Attributes
    ----------
    picker : DataSourcePicker
    panel : widget or None
        The panel on the current data (None when no data could be loaded).
    """

    def __init__(self, panel, *, source=None, lang: str = "en", picker: DataSourcePicker | None = None, **options):
        super().__init__()
        check_lang("DataApp", lang)
        self.panel_class = panel
        self.options = options
        self.lang = lang
        self.panel = None
        self._lang_link = None
        self.picker = picker if picker is not None else DataSourcePicker(source, lang=lang)
        self.children = [self.picker]
        self.add_class("wb-data-app")
        self.picker.observe(self._rebuild, names="data")
        if self.picker.data is not None:
            self._rebuild()

    def _takes_lang(self) -> bool:
        try:
            parameter = inspect.signature(self.panel_class).parameters.get("lang")
        except (TypeError, ValueError):
            return False
        return parameter is not None and parameter.kind is not inspect.Parameter.VAR_KEYWORD

    def _rebuild(self, change=None) -> None:
        data = self.picker.data
        if data is None:
            return
        old = self.panel
        if old is not None and old.has_trait("lang"):
            self.lang = old.lang
        kwargs = dict(self.options)
        if self._takes_lang():
            kwargs["lang"] = self.lang
        with self.picker.busy(message("data.preparing", self.lang, source=self.picker.source_label)):
            try:
                panel = self.panel_class(data, **kwargs)
            except Exception as exc:  # the panel could not start on this data: say so, show no stale panel
                self.picker.error.show(exc)
                self.panel, self.children = None, [self.picker]
                if old is not None:
                    _close_tree(old)
                return
        if self._lang_link is not None:
            self._lang_link.unlink()
            self._lang_link = None
        if panel.has_trait("lang"):
            self._lang_link = widgets.dlink((panel, "lang"), (self.picker, "lang"))
        self.panel = panel
        self.children = [self.picker, panel]
        if old is not None:
            _close_tree(old)


def _close_tree(widget) -> None:
    """Close a panel and every widget under it (their comms and front-end views go away)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def app(panel, *, source=None, lang: str = "en", **options) -> DataApp:
    """The app page for ``panel``: the data-source picker above ``panel(data, ...)``.

    Loads the default data once (``$WORKBENCH_DATA``, else the sample data), then
    rebuilds the panel whenever the viewer picks other data.

    Parameters
    ----------
    panel : type
        A panel class from :mod:`workbench.apps` (``KpiScorecard``, ``ForecastOutlook``, ...).
    source : str or Path, optional
        The default data, instead of :func:`~workbench.apps.common.default_data_source`.
    lang : {"en", "zh"}
        Label language.
    **options
        Passed on to the panel.

    Returns
    -------
    DataApp

    Examples
    --------
    >>> import tempfile
    >>> from workbench.sample import write_sample
    >>> from workbench.apps import KpiScorecard
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_sample(folder, n_reps=4, months=6, seed=1)
    >>> page = app(KpiScorecard, source=folder)
    >>> type(page.panel).__name__, page.picker.data.reps["rep_id"].tolist()
    ('KpiScorecard', ['R001', 'R002', 'R003', 'R004'])
    """
    return DataApp(panel, source=source, lang=lang, **options)
