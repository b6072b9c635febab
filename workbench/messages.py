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
    "data.kind.default": {"en": "Sample data", "zh": "示例数据"},
    "data.kind.configured": {"en": "Configured data", "zh": "配置的数据"},
    "data.kind.folder": {"en": "Folder on the server", "zh": "服务器上的文件夹"},
    "data.kind.upload": {"en": "Upload files", "zh": "上传文件"},
    "data.format": {"en": "Format", "zh": "格式"},
    "data.format.tables": {"en": "Workbench tables (reps.csv, ...)", "zh": "工作台数据表（reps.csv 等）"},
    "data.format.preset": {"en": "{crm} export", "zh": "{crm} 导出文件"},
    "data.folder.placeholder": {"en": "/path/to/a/data/folder on the server",
                                "zh": "服务器上的数据文件夹路径，如 /data/sales"},
    "data.folder.load": {"en": "Load", "zh": "载入"},
    "data.folder.missing": {"en": "Type the path of a folder on the server first.",
                            "zh": "请先输入服务器上的文件夹路径。"},
    "data.folder.outside": {"en": "{folder}: outside the folders this server lets the apps read ({root}).",
                            "zh": "{folder}：不在本服务器允许应用读取的文件夹内（{root}）。"},
    "data.upload.button": {"en": "Upload", "zh": "上传"},
    "data.upload.hint": {
        "en": "CSV / XLSX files named after the tables (reps.csv, opportunities.csv, ...) or a zip of them; "
              "up to {total} per upload, {file} per file. Files stay in this session only and are deleted "
              "when it ends.",
        "zh": "以数据表命名的 CSV / XLSX 文件（reps.csv、opportunities.csv 等）或它们的 zip 压缩包；"
              "每次上传最多 {total}，单个文件最多 {file}。文件只属于本次会话，会话结束即删除。"},
    "data.upload.name": {"en": "upload ({files})", "zh": "上传（{files}）"},
    "data.loading": {"en": "Loading {source} …", "zh": "正在载入 {source} …"},
    "data.preparing": {"en": "Preparing the app on {source} …", "zh": "正在用 {source} 准备应用 …"},
    "data.showing": {"en": "Showing {source}: {loaded} rows loaded, {quarantined} quarantined.",
                     "zh": "当前数据：{source}，已载入 {loaded} 行，隔离 {quarantined} 行。"},
    "data.failed": {"en": "Could not load {source}; still showing {previous}.",
                    "zh": "无法载入 {source}；仍显示 {previous}。"},
    "data.nothing": {"en": "nothing yet", "zh": "暂无数据"},
    "data.report": {"en": "Data-quality report", "zh": "数据质量报告"},
    "data.report.table": {"en": "Table", "zh": "数据表"},
    "data.report.read": {"en": "Rows read", "zh": "读取行数"},
    "data.report.loaded": {"en": "Loaded", "zh": "已载入"},
    "data.report.quarantined": {"en": "Quarantined", "zh": "已隔离"},
    "data.report.file": {"en": "File", "zh": "文件"},
    "data.report.ignored": {"en": "Ignored (not contract tables): {files}",
                            "zh": "已忽略（不是数据契约中的表）：{files}"},
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
