"""The data-source picker and the app shell, driven in process (no browser)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets
import pytest
import traitlets
from upload_data import UPLOADED_REPS, uploaded_tables, zip_of_csvs

from workbench.apps import DataApp, DataSourcePicker, KpiScorecard, app
from workbench.apps.uploads import TEMP_PREFIX, UploadFolder, UploadLimits
from workbench.messages import message
from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("default_data")
    write_sample(folder, n_reps=5, months=6, seed=3)
    return folder


@pytest.fixture(scope="module")
def upload_zip() -> bytes:
    return zip_of_csvs(uploaded_tables(), folder="team_export/")


class Recorder(widgets.VBox):
    """A stand-in panel that records what it was built with."""

    built: list = []

    def __init__(self, data, lang: str = "en"):
        super().__init__()
        self.data, self.lang = data, lang
        Recorder.built.append((data, lang))


class LangPanel(widgets.VBox):
    """A panel with its own language picker (like TargetsWhatIf): a ``lang`` trait."""

    lang = traitlets.Unicode("en")

    def __init__(self, data, *, lang: str = "en"):
        super().__init__()
        self.data = data
        self.lang = lang


class NoLangPanel(widgets.VBox):
    def __init__(self, data, **kwargs):
        super().__init__(**kwargs)
        self.data = data


def _rep_ids(page) -> list[str]:
    return page.picker.data.reps["rep_id"].tolist()


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _uploads(folder: Path | None) -> list[str]:
    return sorted(p.name for p in folder.glob("upload-*")) if folder is not None and folder.exists() else []


# --- the first view ------------------------------------------------------------------------


def test_app_loads_the_default_data_once_and_builds_the_panel(sample_folder):
    Recorder.built = []
    page = app(Recorder, source=sample_folder)
    assert len(Recorder.built) == 1
    assert page.panel.data is page.picker.data
    assert _rep_ids(page) == ["R001", "R002", "R003", "R004", "R005"]
    assert page.children == (page.picker, page.panel)
    status = _text(page.picker.status.value)
    loaded = sum(page.picker.data.rows_loaded.values())
    assert status == f"Showing Configured data: {loaded:,} rows loaded, 0 quarantined."
    assert page.picker.error.value == ""
    assert page.picker.loading is False


def test_default_data_comes_from_workbench_data(sample_folder, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA", str(sample_folder))
    picker = DataSourcePicker()
    assert picker.data.source == str(sample_folder)
    assert picker.source_label == "Configured data"


def test_the_report_is_the_validation_summary(sample_folder):
    picker = DataSourcePicker(sample_folder)
    report = picker.report.value
    table = picker.data.table_report()
    for rec in table.itertuples():
        assert f">{rec.table}</th>" in report
        assert f">{rec.rows_loaded:,}</td>" in report
    # the same text `workbench validate` prints, and the files the load ignored
    assert "Data-quality report for" in report and "No rows quarantined." in report
    assert "planted_drivers.csv" in picker.data.ignored_sources
    assert "Ignored (not contract tables): " in _text(report) and "planted_drivers.csv" in _text(report)


def test_no_default_data_shows_how_to_make_some(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    page = app(Recorder)
    assert page.panel is None and page.picker.data is None
    assert "workbench sample --out sample_data" in page.picker.error.value
    assert page.children == (page.picker,)


def _tree(widget) -> list:
    return [widget, *[w for child in getattr(widget, "children", ()) for w in _tree(child)]]


def test_the_default_view_puts_no_dropdown_before_the_panels_own(sample_folder):
    picker = DataSourcePicker(sample_folder)
    assert not any(isinstance(w, widgets.Dropdown) for w in _tree(picker))
    picker.kind_picker.value = "upload"
    assert picker.format_picker in _tree(picker) and picker.upload in _tree(picker)
    picker.kind_picker.value = "folder"
    assert picker.folder in _tree(picker) and picker.upload not in _tree(picker)


# --- uploads --------------------------------------------------------------------------------


def test_upload_of_a_zip_of_csvs_shows_the_uploaded_reps_in_the_scorecard(sample_folder, upload_zip):
    page = app(KpiScorecard, source=sample_folder)
    first = page.panel
    assert "R001" in first.table.value
    assert page.picker.load_upload([("team.zip", upload_zip)]) is True
    assert page.panel is not first and isinstance(page.panel, KpiScorecard)
    for rep in UPLOADED_REPS:
        assert f">{rep}</th>" in page.panel.table.value
    assert "R001" not in page.panel.table.value
    assert page.picker.source_label == "upload (team.zip)"
    assert page.picker.error.value == ""
    # the report names the files, never the session's temporary folder
    assert "reps.csv" in page.picker.report.value
    assert str(page.picker.upload_folder) not in page.picker.report.value
    page.picker.close()


def test_nothing_of_an_upload_is_kept_in_the_cache(sample_folder, upload_zip, tmp_path, monkeypatch):
    from workbench.forecast import forecast_entities
    from workbench.io import cache as data_cache

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "1")
    page = app(KpiScorecard, source=sample_folder)
    data_cache.wait_for_writes()  # the sample's own entry is written in the background
    kept_before = sorted(p.name for p in (tmp_path / "cache").rglob("*"))
    assert page.picker.load_upload([("team.zip", upload_zip)]) is True
    forecast_entities(page.picker.data, by="team", h=1, n_windows=1)  # what an app computes from it
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*")) == kept_before
    page.picker.close()


def test_upload_through_the_file_upload_widget(sample_folder, upload_zip):
    Recorder.built = []
    page = app(Recorder, source=sample_folder)
    page.picker.upload.value = ({"name": "team.zip", "type": "application/zip", "size": len(upload_zip),
                                 "content": memoryview(upload_zip),
                                 "last_modified": datetime(2026, 11, 30, tzinfo=timezone.utc)},)
    assert _rep_ids(page) == UPLOADED_REPS
    assert len(Recorder.built) == 2 and Recorder.built[-1][0] is page.picker.data
    assert page.picker.upload.value == ()  # the bytes are not kept in the widget
    page.picker.close()


def test_loading_shows_a_loading_state_with_the_controls_disabled(sample_folder, upload_zip):
    page = app(Recorder, source=sample_folder)
    seen = []
    page.picker.status.observe(lambda change: seen.append((_text(change["new"]), page.picker.upload.disabled)),
                               names="value")
    page.picker.load_upload([("team.zip", upload_zip)])
    assert ("⏳ Loading upload (team.zip) …", True) in seen
    assert ("⏳ Preparing the app on upload (team.zip) …", True) in seen  # while the panel is rebuilt
    assert seen[-1][0].startswith("Showing upload (team.zip): ") and seen[-1][1] is False
    page.picker.close()


def test_upload_of_loose_csv_files(sample_folder):
    tables = uploaded_tables()
    page = app(Recorder, source=sample_folder)
    files = [(f"{name}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]
    assert page.picker.load_upload(files) is True
    assert _rep_ids(page) == UPLOADED_REPS
    page.picker.close()


def _traversal_zip() -> bytes:
    return zip_of_csvs(uploaded_tables(), extra={"../../evil.csv": "x\n1\n"})


def _absolute_zip() -> bytes:
    return zip_of_csvs(uploaded_tables(), extra={"/etc/cron.d/evil": "x\n"})


def _link_zip() -> bytes:
    import io

    buffer = io.BytesIO(zip_of_csvs(uploaded_tables()))
    with zipfile.ZipFile(buffer, "a") as archive:
        info = zipfile.ZipInfo("opportunities_link.csv")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _no_contract_table() -> list:
    return [("notes.csv", b"when,what\n2026-01-01,call Ann\n")]


BAD_UPLOADS = {
    "not a zip": (lambda: [("team.zip", b"PK but not really a zip")], "is not a zip archive"),
    "no contract table": (_no_contract_table, "required table 'reps' is missing"),
    "reps without opportunities": (
        lambda: [("reps.csv", b"rep_id,name,team,region\nU9,Ann,East,North\n")],
        "required table 'opportunities' is missing"),
    "traversal member": (lambda: [("team.zip", _traversal_zip())], "points outside the archive"),
    "absolute member": (lambda: [("team.zip", _absolute_zip())], "points outside the archive"),
    "link member": (lambda: [("team.zip", _link_zip())], "is a symbolic link"),
    "a type it does not read": (lambda: [("team.exe", b"MZ")], "not a file type the workbench reads"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_a_readable_error_and_the_previous_data_stays(sample_folder, upload_zip, case):
    files, expected = BAD_UPLOADS[case]
    Recorder.built = []
    page = app(Recorder, source=sample_folder)
    assert page.picker.load_upload([("team.zip", upload_zip)])
    data, panel = page.picker.data, page.panel
    shown = _uploads(page.picker.upload_folder)
    assert page.picker.load_upload(files()) is False
    error = _text(page.picker.error.value).replace("&#39;", "'")
    assert expected in error
    assert error.startswith("Could not load upload (") and "still showing upload (team.zip)." in error
    assert "Traceback" not in error and str(page.picker.upload_folder) not in error
    assert page.picker.data is data and page.panel is panel and len(Recorder.built) == 2
    assert page.picker.source_label == "upload (team.zip)"
    assert _uploads(page.picker.upload_folder) == shown  # nothing of the refused upload is kept
    assert page.picker.loading is False and not page.picker.upload.disabled
    page.picker.close()


@pytest.mark.parametrize(("limits", "files", "expected"), [
    (UploadLimits(max_upload_file_bytes=1000), [("reps.csv", b"x" * 1001)], "over the upload limit of 1,000 bytes per file"),
    (UploadLimits(max_upload_bytes=1500), [("reps.csv", b"x" * 800), ("opportunities.csv", b"x" * 800)],
     "the upload holds 1.6 KiB, over the limit of 1.5 KiB per upload"),
    (UploadLimits(max_upload_file_bytes=5000), [("team.zip", zip_of_csvs({}, extra={"reps.csv": "x" * 6000}))],
     "expands to 5.9 KiB, over the limit of 4.9 KiB per file"),
    (UploadLimits(max_upload_members=3), [("team.zip", zip_of_csvs({}, extra={f"f{i}.csv": "x" for i in range(4)}))],
     "holds 4 entries, over the limit of 3"),
])
def test_an_oversized_upload_is_refused_naming_the_limit_and_how_to_raise_it(sample_folder, limits, files, expected):
    picker = DataSourcePicker(sample_folder, limits=limits)
    data = picker.data
    assert picker.load_upload(files) is False
    error = _text(picker.error.value)
    assert expected in error and "WORKBENCH_MAX_UPLOAD_" in error
    assert picker.data is data
    picker.close()


def test_upload_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_UPLOAD_BYTES", "2MB")
    picker = DataSourcePicker(load_default=False)
    assert picker._limits.max_upload_bytes == 2 << 20
    assert "up to 2 MiB per upload, 50 MiB per file" in picker.hint.value


def test_a_crm_export_uploads_with_its_preset(sample_folder):
    picker = DataSourcePicker(sample_folder)
    picker.format_picker.value = "salesforce"
    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "docs" / "examples").glob("salesforce_*.csv"))]
    assert picker.load_upload(files) is True, picker.error.value
    assert picker.data.has("activities") and len(picker.data.opportunities) > 0
    picker.close()


# --- a folder on the server -----------------------------------------------------------------


def test_folder_path(sample_folder, tmp_path):
    write_sample(tmp_path / "other", n_reps=3, months=6, seed=9)
    Recorder.built = []
    page = app(Recorder, source=sample_folder)
    page.picker.kind_picker.value = "folder"
    page.picker.folder.value = str(tmp_path / "other")
    page.picker.load_button.click()
    assert _rep_ids(page) == ["R001", "R002", "R003"]
    assert page.picker.data.source == str(tmp_path / "other")
    assert page.picker.source_label == str(tmp_path / "other")
    assert len(Recorder.built) == 2

    # a folder that is not there: a message, and the data stays
    data = page.picker.data
    assert page.picker.load_folder(tmp_path / "missing") is False
    assert "no such file or folder" in page.picker.error.value and page.picker.data is data
    assert page.picker.load_folder("  ") is False
    assert message("data.folder.missing") in page.picker.error.value

    # back to the default data
    page.picker.kind_picker.value = "default"
    assert page.picker.data.source == str(sample_folder) and len(Recorder.built) == 3


def test_folder_root_confines_the_folder_field(sample_folder, tmp_path, monkeypatch):
    write_sample(tmp_path / "allowed" / "team", n_reps=3, months=6, seed=9)
    monkeypatch.setenv("WORKBENCH_FOLDER_ROOT", str(tmp_path / "allowed"))
    picker = DataSourcePicker(sample_folder)
    assert picker.load_folder(sample_folder) is False
    assert "outside the folders this server lets the apps read" in picker.error.value
    assert picker.load_folder(tmp_path / "allowed" / "team") is True


# --- the session's temporary folder ---------------------------------------------------------


def test_a_new_upload_replaces_the_previous_one_and_close_removes_the_folder(sample_folder, upload_zip):
    picker = DataSourcePicker(sample_folder)
    assert picker.load_upload([("team.zip", upload_zip)])
    folder = picker.upload_folder
    assert folder.name.startswith(TEMP_PREFIX) and _uploads(folder) == ["upload-1"]
    assert sorted(p.name for p in (folder / "upload-1").iterdir())[:2] == ["activities.csv", "market.csv"]
    assert picker.load_upload([("again.zip", upload_zip)])
    assert _uploads(folder) == ["upload-2"]
    picker.close()
    assert not folder.exists()


def test_the_upload_folder_is_removed_when_the_kernel_ends(tmp_path, upload_zip):
    (tmp_path / "team.zip").write_bytes(upload_zip)
    code = (
        "import sys; from pathlib import Path\n"
        "from workbench.apps.uploads import UploadFolder\n"
        "folder = UploadFolder()\n"
        "folder.receive([('team.zip', Path(sys.argv[1]).read_bytes())])\n"
        "print(folder.root)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "team.zip")], capture_output=True, text=True,
                          check=True)
    folder = Path(done.stdout.strip())
    assert folder.name.startswith(TEMP_PREFIX)
    assert not folder.exists()


def test_a_killed_kernels_folder_is_removed_by_the_next_session(tmp_path, upload_zip):
    code = ("import os, signal\n"
            "from workbench.apps.uploads import UploadFolder\n"
            "folder = UploadFolder()\n"
            "print(folder.root, flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == -9
    orphan = Path(done.stdout.strip())
    assert orphan.exists()  # killed: nothing ran at exit
    folder = UploadFolder()
    assert not orphan.exists() and folder.root.exists()
    folder.close()


def test_two_pickers_never_share_an_upload_folder(sample_folder, upload_zip):
    first, second = DataSourcePicker(sample_folder), DataSourcePicker(sample_folder)
    first.load_upload([("team.zip", upload_zip)])
    second.load_upload([("team.zip", upload_zip)])
    assert first.upload_folder != second.upload_folder
    first.close()
    assert second.upload_folder.exists() and not first.upload_folder.exists()
    second.close()


# --- language, and the panel's own language picker ------------------------------------------


def test_chinese_labels(sample_folder):
    picker = DataSourcePicker(sample_folder, lang="zh")
    assert [label for label, _ in picker.kind_picker.options] == ["配置的数据", "服务器上的文件夹", "上传文件"]
    assert picker.format_picker.description == "格式" and picker.upload.description == "上传"
    assert _text(picker.status.value).startswith("当前数据：配置的数据，已载入")
    assert "读取行数" in picker.report.value


def test_a_new_language_keeps_the_chosen_source_and_format(sample_folder, upload_zip):
    picker = DataSourcePicker(sample_folder)
    picker.kind_picker.value, picker.format_picker.value = "upload", "hubspot"
    assert picker.load_upload([("team.zip", upload_zip)]) is False  # not a HubSpot export
    picker.format_picker.value = ""
    assert picker.load_upload([("team.zip", upload_zip)])
    data = picker.data
    picker.lang = "zh"
    assert picker.kind_picker.value == "upload" and picker.format_picker.value == ""
    assert picker.data is data  # relabelling loaded nothing
    assert dict(picker.format_picker.options)["HubSpot 导出文件"] == "hubspot"
    picker.close()


def test_the_panel_gets_the_language_and_the_picker_follows_the_panels_picker(sample_folder, upload_zip):
    page = app(LangPanel, source=sample_folder, lang="zh")
    assert page.panel.lang == "zh" and page.picker.lang == "zh"
    page.panel.lang = "en"
    assert page.picker.title.value == "<b>Data source</b>"
    page.picker.load_upload([("team.zip", upload_zip)])
    assert page.panel.lang == "en"  # the rebuilt panel keeps the language the viewer chose
    page.picker.close()


def test_a_panel_without_a_language_parameter_is_built_without_one(sample_folder):
    page = app(NoLangPanel, source=sample_folder, lang="zh")
    assert isinstance(page.panel, NoLangPanel)


def test_a_panel_that_fails_on_the_data_is_a_message(sample_folder):
    class Fails(widgets.VBox):
        def __init__(self, data):
            raise ValueError("this panel needs skills data")

    page = app(Fails, source=sample_folder)
    assert page.panel is None and "this panel needs skills data" in page.picker.error.value
    assert page.children == (page.picker,)


def test_the_shell_is_a_data_app(sample_folder):
    assert isinstance(app(NoLangPanel, source=sample_folder), DataApp)


# --- the app notebooks ----------------------------------------------------------------------


@pytest.mark.parametrize("notebook", sorted((ROOT / "apps").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_app_notebook_is_an_import_and_one_app_call(notebook):
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    code = ["".join(c["source"]) for c in cells]
    assert len(code) == 2
    match = re.fullmatch(r"from workbench\.apps import (\w+), app", code[0])
    assert match and code[1] == f"app({match.group(1)})"


def test_the_report_follows_the_language_and_is_redrawn_when_it_changes(tmp_path, monkeypatch):
    """In 中文 mode the data bar's report is the Chinese data-quality report, quarantine reasons included."""
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "io"))  # the io tests' dirty tables
    from io_tables import write_dirty_folder

    folder = write_dirty_folder(tmp_path / "dirty")
    picker = DataSourcePicker(folder, lang="zh")
    report = html.unescape(_text(picker.report.value))
    assert "数据质量报告：" in report and "被隔离的行：15（见 data.quarantine）" in report
    assert "第 3 行，amount='-800'：amount 为负数" in report
    for english in ("Data-quality report for", "Quarantined rows", "negative amount", "row 3", "not provided"):
        assert english not in report, english
    picker.lang = "en"
    report = html.unescape(_text(picker.report.value))
    assert "Data-quality report for" in report and "row 3, amount=" in report and "数据质量" not in report
    picker.lang = "zh"
    assert "数据质量报告：" in _text(picker.report.value)
