"""The validated-data cache: a repeat load of unchanged files skips reading and validation.

After :func:`workbench.load` has read and validated files (a folder, a workbook, a DuckDB /
SQLite file, CRM exports with a preset or mapping), it stores the typed tables, the
quarantine and everything the data-quality report shows (rows read, skipped lines,
ignored files and columns, stage order) as Arrow IPC files in a cache entry. The next load
of the same, unchanged input reads that entry back instead, and returns a
:class:`~workbench.io.sales_data.SalesData` equal to the first one.

An entry is found by its **key** (also ``SalesData.fingerprint``), a hash of

- every input file: its path, size and modification time (``mtime_ns``); files under
  :data:`SMALL_FILE_BYTES` also by a hash of their content (their time stamps can be
  unreliable); larger files also by inode, change time (``ctime_ns``) and a hash of
  their first and last 64 KiB. For a folder, every file in it counts (a new, removed or
  renamed file changes the key, as do files the load ignores, since the report lists
  them);
- the load arguments: ``stages`` (a stage-config file by the same rule), ``preset``,
  the mapping file's parsed content (``extends`` chains included), the input limits in
  force and the plausibility settings (``WORKBENCH_DATE_RANGE``,
  ``WORKBENCH_MAX_AMOUNT``);
- the version of the loading code (a hash of ``workbench/io`` and the ground-floor
  modules it uses, and the versions of pandas, pyarrow and DuckDB), so a code change
  never reads an entry written by older code.

Any change to any of these makes a new key, so a stale entry is never read. A load
stores its entry in the background (:func:`store_entry`: the caller has its data at once;
readers in the same process wait for the write, and the interpreter does before it exits).
An entry is written to a temporary folder and renamed into place, so a reader sees a
whole entry or none; an entry that is damaged anyway (a truncated file, unreadable metadata) is removed
and rebuilt, never an error. In-memory inputs (a dict of frames, a SalesData) are not
cached.

Location: ``$WORKBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/workbench``, else
``~/.cache/workbench``. ``WORKBENCH_CACHE=0`` (or ``load(..., cache=False)``, or
``--no-cache`` on the command line) turns the cache off. After each write, old entries are
pruned: the newest :data:`KEEP_PER_SOURCE` per source are kept, and the oldest entries go
until the cache is under ``WORKBENCH_CACHE_MAX_BYTES`` (default :data:`MAX_BYTES`).

Examples
--------
>>> import os, tempfile, pathlib, workbench
>>> before = os.environ.get("WORKBENCH_CACHE_DIR")
>>> os.environ["WORKBENCH_CACHE_DIR"] = tempfile.mkdtemp()
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "reps.csv").write_text("rep_id,name,team,region\\nR1,Ann,East,North\\n")
>>> _ = (folder / "opportunities.csv").write_text(
...     "opportunity_id,rep_id,created_at,stage,amount,closed_at,outcome\\nO1,R1,2026-01-05,Won,10,2026-02-01,won\\n")
>>> first = workbench.load(folder)          # read, validated, stored
>>> again = workbench.load(folder)          # read back from the cache
>>> again.fingerprint == first.fingerprint, again.opportunities.equals(first.opportunities)
(True, True)
>>> [entry["rows"] for entry in cache_entries()]
[{'reps': 1, 'opportunities': 1}]
>>> _ = (folder / "reps.csv").write_text("rep_id,name,team,region\\nR1,Ann,West,North\\n")
>>> workbench.load(folder).fingerprint == first.fingerprint   # same size, new content: a new key
False
>>> clear_cache()
2
>>> _ = os.environ.pop("WORKBENCH_CACHE_DIR") if before is None else os.environ.update(WORKBENCH_CACHE_DIR=before)
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pyarrow as pa

from workbench.io.limits import current_limits, parse_size
from workbench.io.plausible import Plausible
from workbench.io.sales_data import QUARANTINE_COLUMNS, SalesData
from workbench.memo import CACHE_DIR_ENV_VAR, CACHE_ENV_VAR, cache_root, caching_enabled

__all__ = [
    "CACHE_ENV",
    "CACHE_DIR_ENV",
    "CACHE_MAX_BYTES_ENV",
    "SMALL_FILE_BYTES",
    "KEEP_PER_SOURCE",
    "MAX_BYTES",
    "cache_dir",
    "cache_enabled",
    "load_key",
    "code_version",
    "read_entry",
    "write_entry",
    "store_entry",
    "wait_for_writes",
    "prune",
    "cache_entries",
    "clear_cache",
]

#: Environment variable that turns the cache off when set to ``0`` (or ``false``, ``no``, ``off``).
CACHE_ENV = CACHE_ENV_VAR
#: Environment variable naming the cache folder.
CACHE_DIR_ENV = CACHE_DIR_ENV_VAR
#: Environment variable capping the cache's total size (``2GB``, ``500MB``, bytes).
CACHE_MAX_BYTES_ENV = "WORKBENCH_CACHE_MAX_BYTES"
#: Files smaller than this are also fingerprinted by a hash of their content.
SMALL_FILE_BYTES = 1 << 20
#: Entries kept per source (the newest, by last use).
KEEP_PER_SOURCE = 3
#: Default size cap of the whole cache.
MAX_BYTES = 4 << 30

_FORMAT = "data-v1"  # folder of this entry format; bump when the layout changes
_META = "meta.json"
_SAMPLE_BYTES = 64 << 10
_STALE_TEMP_SECONDS = 3600
_DB_SIDECARS = (".wal", "-wal", "-journal")
_CODE_FILES = ("contract.py", "errors.py", "periods.py")
_LIBRARIES = ("pandas", "pyarrow", "numpy", "duckdb", "python-calamine", "ibis-framework")
_LOG = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- where and whether


def cache_dir() -> Path:
    """The cache folder (:func:`workbench.memo.cache_root`): ``$WORKBENCH_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/workbench``, else ``~/.cache/workbench``."""
    return cache_root()


def cache_enabled(cache: bool = True) -> bool:
    """Whether loads use the cache: ``cache`` is true and ``WORKBENCH_CACHE`` is not ``0``/``false``/``no``/``off``.

    >>> cache_enabled(False)
    False
    """
    return bool(cache) and caching_enabled()


def _max_bytes() -> int:
    raw = os.environ.get(CACHE_MAX_BYTES_ENV, "").strip()
    if not raw:
        return MAX_BYTES
    try:
        return parse_size(raw)
    except ValueError:
        _LOG.warning("%s=%r is not a size such as 2GB; using the default", CACHE_MAX_BYTES_ENV, raw)
        return MAX_BYTES


# ----------------------------------------------------------------------------- the key


def _digest(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def _file_print(path: Path) -> list:
    """One file's fingerprint (see the module docstring); raises OSError when it cannot be read."""
    st = path.stat()
    entry = [str(path.absolute()), st.st_size, st.st_mtime_ns]
    if path.is_symlink():
        entry.append(os.readlink(path))
    if st.st_size < SMALL_FILE_BYTES:
        entry.append(hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest())
    else:
        sample = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as handle:
            sample.update(handle.read(_SAMPLE_BYTES))
            handle.seek(max(st.st_size - _SAMPLE_BYTES, 0))
            sample.update(handle.read(_SAMPLE_BYTES))
        entry += [st.st_ino, st.st_ctime_ns, sample.hexdigest()]
    return entry


def _folder_print(folder: Path) -> list:
    """Every file the loader could read or report in ``folder`` (hidden and ``~$`` lock files aside)."""
    entries = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        if path.is_symlink() and not path.exists():
            entries.append([str(path), "broken link", os.readlink(path)])
        elif path.is_file():
            entries.append(_file_print(path))
    return [str(folder.absolute()), entries]


def _path_print(path: Path) -> list:
    if path.is_dir():
        return _folder_print(path)
    prints = [_file_print(path)]
    for suffix in _DB_SIDECARS:  # a database's write-ahead log holds committed rows too
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            prints.append(_file_print(sidecar))
    return prints


def _source_print(source) -> list | None:
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        return _path_print(path) if path.exists() else None
    if isinstance(source, (list, tuple)) and all(isinstance(s, (str, Path)) for s in source):
        prints = [_source_print(s) for s in source]
        return None if any(p is None for p in prints) else prints
    return None


def _stages_print(stages):
    if stages is None:
        return None
    if isinstance(stages, (str, Path)):
        return ["file", _file_print(Path(stages).expanduser())]
    if isinstance(stages, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(stages, index=True).to_numpy()
        return ["frame", list(map(str, stages.columns)), [str(t) for t in stages.dtypes],
                hashlib.blake2b(hashed.tobytes(), digest_size=16).hexdigest()]
    if isinstance(stages, (Mapping, list, tuple)):
        return ["config", json.loads(json.dumps(stages, default=str))]
    raise TypeError(f"no fingerprint for stages of type {type(stages).__name__}")


def _mapping_print(mapping):
    if mapping is None:
        return None
    from workbench.io.crm.mapping import Mapping as CrmMapping
    from workbench.io.crm.mapping import load_mapping

    parsed = mapping if isinstance(mapping, CrmMapping) else load_mapping(mapping)
    return repr(parsed)  # the parsed mapping, so files it `extends` count too


def code_version() -> str:
    """A hash of the loading code (``workbench/io`` and the ground floor) and its libraries' versions.

    Any edit to the code that reads or validates data changes it, so cache entries
    written by other code are never read.
    """
    package = Path(__file__).resolve().parents[1]
    files = sorted((package / "io").rglob("*.py")) + sorted((package / "io").rglob("*.toml"))
    files += [package / name for name in _CODE_FILES]
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    for library in _LIBRARIES:  # read from the installed metadata: importing DuckDB costs more than a cache hit
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}={version};".encode())
    return digest.hexdigest()


def load_key(source, *, stages=None, preset=None, mapping=None) -> str | None:
    """The cache key of loading ``source`` with these arguments now (``SalesData.fingerprint``).

    Call it inside the ``using_limits`` block of the load, so the limits in force count.
    Returns None when the source is not files (a dict of frames, a SalesData) or cannot
    be fingerprinted (a missing file, an unreadable folder, a malformed environment
    setting): the load then runs uncached and reports any problem itself.
    """
    if isinstance(source, (SalesData, Mapping)):
        return None
    try:
        source_print = _source_print(source)
        if source_print is None:
            return None
        plausible = Plausible.from_env()
        return _digest(
            _FORMAT, code_version(), source_print, _stages_print(stages),
            None if preset is None else str(preset).strip().lower(), _mapping_print(mapping),
            dataclasses.asdict(current_limits()), [plausible.first_year, plausible.last_year, plausible.max_amount],
        )
    except Exception as err:  # noqa: BLE001 - no key means no cache; the load reports real problems
        _LOG.debug("no cache key for %r: %s", source, err)
        return None


def _source_group(source, preset, mapping) -> str:
    """The entry folder's parent: one per source (``<name>-<hash>``), for pruning per source."""
    items = source if isinstance(source, (list, tuple)) else [source]
    paths = [str(Path(s).expanduser().absolute()) for s in items]
    name = Path(paths[0]).name if paths else "source"
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:40].strip(".") or "source"
    return f"{slug}-{_digest(paths, preset, str(mapping) if mapping is not None else None)[:12]}"


# ----------------------------------------------------------------------------- entries


def _entries_root() -> Path:
    return cache_dir() / _FORMAT


def _find_entry(key: str) -> Path | None:
    root = _entries_root()
    if not root.is_dir():
        return None
    for group in root.iterdir():
        candidate = group / key
        if (candidate / _META).is_file():
            return candidate
    return None


def _frame_to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=not isinstance(frame.index, pd.RangeIndex) or None)


def _write_table(path: Path, frame: pd.DataFrame) -> dict:
    table = _frame_to_arrow(frame)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {"file": path.name, "rows": len(frame), "bytes": path.stat().st_size,
            "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()}}


def _read_table(folder: Path, spec: dict) -> pd.DataFrame:
    path = folder / spec["file"]
    if path.stat().st_size != spec["bytes"]:
        raise ValueError(f"{path.name}: {path.stat().st_size} bytes, expected {spec['bytes']}")
    with pa.memory_map(str(path), "r") as source:
        table = pa.ipc.open_file(source).read_all()
    frame = table.to_pandas()
    if len(frame) != spec["rows"] or list(map(str, frame.columns)) != list(spec["dtypes"]):
        raise ValueError(f"{path.name}: rows or columns differ from the entry's metadata")
    for column, dtype in spec["dtypes"].items():
        if str(frame[column].dtype) != dtype:
            frame[column] = frame[column].astype(dtype)
    return frame


def write_entry(key: str, data: SalesData, *, source, preset=None, mapping=None, root: Path | None = None,
                max_bytes: int | None = None) -> Path | None:
    """Store ``data`` under ``key``; returns the entry folder, or None when it could not be written.

    The entry is written into a temporary folder next to its final place and renamed
    into place, so readers never see part of it. A failure (disk full, no permission,
    a table pandas cannot hand to Arrow) leaves no entry and is never an error. Old
    entries are pruned afterwards (see :func:`prune`; ``max_bytes`` its size cap). ``root``:
    the entries' folder (default: the cache folder the environment names now).
    """
    root = _entries_root() if root is None else root
    group = root / _source_group(source, preset, mapping)
    final = group / key
    temp = group / f".tmp-{key[:12]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        if (final / _META).is_file():
            return final
        temp.mkdir(parents=True)
        tables = {}
        for name, frame in object.__getattribute__(data, "_tables").items():
            tables[name] = None if frame is None else _write_table(temp / f"{name}.arrow", frame)
        quarantine = _write_table(temp / "quarantine.arrow", object.__getattribute__(data, "quarantine"))
        meta = {
            "format": _FORMAT, "key": key, "written": time.time(), "source": data.source,
            "tables": tables, "quarantine": quarantine,
            "rows_read": dict(data.rows_read), "stages": list(data.stages),
            "pipelines": {k: list(v) for k, v in data.pipelines.items()},
            "files": dict(data.files), "ignored_columns": {k: list(v) for k, v in data.ignored_columns.items()},
            "ignored_sources": list(data.ignored_sources),
        }
        (temp / _META).write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
        try:
            temp.rename(final)
        except OSError:  # another process stored the same entry first
            shutil.rmtree(temp, ignore_errors=True)
            return final if (final / _META).is_file() else None
    except Exception as err:  # noqa: BLE001 - a cache that cannot be written is no error
        _LOG.debug("cache entry %s not written: %s", key, err)
        shutil.rmtree(temp, ignore_errors=True)
        return None
    prune(root=root, max_bytes=max_bytes)
    return final


#: Entries this process is writing in the background: key -> writing thread.
_WRITING: dict[str, threading.Thread] = {}
_WRITING_LOCK = threading.Lock()


def store_entry(key: str, data: SalesData, *, source, preset=None, mapping=None) -> None:
    """Store ``data`` under ``key`` on a background thread (write-behind); returns at once.

    The load's caller gets its data without waiting for the entry to be written. A
    :class:`~workbench.io.sales_data.SalesData` never changes (it hands out copy-on-write
    copies), so the thread reads the same tables the caller has. In this process,
    :func:`read_entry` of the same key, :func:`cache_entries` and :func:`clear_cache`
    wait for the write; other processes see the entry once it is whole (it is renamed into
    place). The thread is not a daemon: the interpreter finishes the write before it exits.
    """
    # where and how big, as the environment says now (a background write must not follow later changes)
    where = {"source": source, "preset": preset, "mapping": mapping, "root": _entries_root(),
             "max_bytes": _max_bytes()}
    thread = threading.Thread(target=_write_behind, args=(key, data), kwargs=where,
                              name=f"workbench-cache-{key[:8]}", daemon=False)
    with _WRITING_LOCK:
        _WRITING[key] = thread
    thread.start()


def _write_behind(key: str, data: SalesData, **where) -> None:
    try:
        write_entry(key, data, **where)
    finally:
        with _WRITING_LOCK:
            if _WRITING.get(key) is threading.current_thread():
                del _WRITING[key]


def wait_for_writes(key: str | None = None) -> None:
    """Wait until this process's background writes (of ``key``, or all) are done."""
    with _WRITING_LOCK:
        threads = [t for k, t in _WRITING.items() if (key is None or k == key) and t is not threading.current_thread()]
    for thread in threads:
        thread.join()


def read_entry(key: str) -> SalesData | None:
    """The SalesData stored under ``key``, or None when there is no whole, readable entry.

    A damaged entry (unreadable metadata, a truncated or missing table file) is removed,
    so the next load rebuilds it. A write of ``key`` still running in this process
    (:func:`store_entry`) is waited for.
    """
    wait_for_writes(key)
    entry = _find_entry(key)
    if entry is None:
        return None
    try:
        meta = json.loads((entry / _META).read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT or meta.get("key") != key:
            raise ValueError("the metadata names another entry")
        tables = {name: None if spec is None else _read_table(entry, spec) for name, spec in meta["tables"].items()}
        quarantine = _read_table(entry, meta["quarantine"])
        if list(quarantine.columns) != QUARANTINE_COLUMNS:
            raise ValueError("quarantine columns differ")
        data = SalesData(
            _tables=MappingProxyType(tables),
            quarantine=quarantine,
            rows_read=MappingProxyType({k: int(v) for k, v in meta["rows_read"].items()}),
            stages=tuple(meta["stages"]),
            source=meta["source"],
            pipelines=MappingProxyType({k: tuple(v) for k, v in meta["pipelines"].items()}),
            files=MappingProxyType(meta["files"]),
            ignored_columns=MappingProxyType({k: tuple(v) for k, v in meta["ignored_columns"].items()}),
            ignored_sources=tuple(meta["ignored_sources"]),
            fingerprint=key,
        )
    except Exception as err:  # noqa: BLE001 - a damaged entry is rebuilt, never an error
        _LOG.info("cache entry %s is damaged (%s); rebuilding it", entry, err)
        shutil.rmtree(entry, ignore_errors=True)
        return None
    try:
        os.utime(entry)  # last use, for pruning
    except OSError:
        pass
    return data


# ----------------------------------------------------------------------------- housekeeping


def _entry_bytes(entry: Path) -> int:
    return sum(p.stat().st_size for p in entry.iterdir() if p.is_file())


def cache_entries() -> list[dict]:
    """The cache's entries, newest use first: ``path``, ``key``, ``source``, ``rows`` (per table), ``bytes``, ``used``.

    Entries this process is still writing are waited for.
    """
    wait_for_writes()
    root = _entries_root()
    out = []
    if not root.is_dir():
        return out
    for group in root.iterdir():
        if not group.is_dir():
            continue
        for entry in group.iterdir():
            if entry.name.startswith(".") or not (entry / _META).is_file():
                continue
            try:
                meta = json.loads((entry / _META).read_text(encoding="utf-8"))
                rows = {name: spec["rows"] for name, spec in meta["tables"].items() if spec is not None}
                out.append({"path": entry, "key": entry.name, "source": meta.get("source", ""), "rows": rows,
                            "bytes": _entry_bytes(entry), "used": entry.stat().st_mtime})
            except (OSError, ValueError, KeyError, TypeError):
                continue
    return sorted(out, key=lambda e: e["used"], reverse=True)


def prune(*, keep: int = KEEP_PER_SOURCE, max_bytes: int | None = None, root: Path | None = None) -> list[Path]:
    """Remove old entries: beyond the newest ``keep`` per source, then the oldest while over ``max_bytes``.

    Also removes temporary folders left by interrupted writes (older than an hour) and
    entries of older cache formats. Returns the removed folders.
    """
    max_bytes = _max_bytes() if max_bytes is None else max_bytes
    root = _entries_root() if root is None else root
    removed: list[Path] = []
    if root.parent.is_dir():  # entries of other formats are never read again
        for other in root.parent.glob("data-v*"):
            if other != root and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
                removed.append(other)
    if not root.is_dir():
        return removed
    now = time.time()
    kept = []
    for group in root.iterdir():
        if not group.is_dir():
            continue
        entries = []
        for entry in group.iterdir():
            try:
                if entry.name.startswith(".tmp-"):
                    if now - entry.stat().st_mtime > _STALE_TEMP_SECONDS:
                        shutil.rmtree(entry, ignore_errors=True)
                        removed.append(entry)
                    continue
                entries.append((entry.stat().st_mtime, entry))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, entry in entries[keep:]:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        kept += entries[:keep]
        if not entries[:keep]:
            try:
                group.rmdir()
            except OSError:
                pass
    sizes = []
    for used, entry in kept:
        try:
            sizes.append((used, entry, _entry_bytes(entry)))
        except OSError:
            continue
    total = sum(size for _, _, size in sizes)
    for used, entry, size in sorted(sizes, key=lambda item: item[0]):
        if total <= max_bytes:
            break
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
        total -= size
    return removed


def clear_cache() -> int:
    """Remove every entry of the data cache; returns how many entries there were."""
    count = len(cache_entries())
    root = _entries_root()
    if root.is_dir():
        shutil.rmtree(root, ignore_errors=True)
    return count
