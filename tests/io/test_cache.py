"""The validated-data cache: a repeat load equals the first, every change invalidates, damage is rebuilt."""

from __future__ import annotations

import importlib
import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from io_tables import OPPORTUNITIES_CSV, REPS_CSV, assert_no_row_lost, frame

from workbench.cli import main
from workbench.io import cache as data_cache
from workbench.io import load

BAD_DEALS = OPPORTUNITIES_CSV.replace(",800,", ",-800,").replace("2026-02-01,Lead", "someday,Lead")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    """Each test gets its own empty cache folder, with the cache switched on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(folder))
    monkeypatch.delenv("WORKBENCH_CACHE", raising=False)
    for name in ("WORKBENCH_DATE_RANGE", "WORKBENCH_MAX_AMOUNT", "WORKBENCH_MAX_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def messy_folder(valid_folder):
    """The small tables with quarantined rows, a banner line, a blank line and an ignored file."""
    (valid_folder / "opportunities.csv").write_text("Export of 2026-03-01\n" + BAD_DEALS + "\n", encoding="utf-8")
    (valid_folder / "notes.txt").write_text("not a table", encoding="utf-8")
    return valid_folder


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_same_data(cached, fresh):
    assert cached.fingerprint == fresh.fingerprint is not None
    assert set(cached.tables) == set(fresh.tables)
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(cached[name], table, check_exact=True)
    pd.testing.assert_frame_equal(cached.quarantine, fresh.quarantine, check_exact=True)
    for attribute in ("rows_read", "stages", "pipelines", "files", "ignored_columns", "ignored_sources", "source"):
        assert getattr(cached, attribute) == getattr(fresh, attribute), attribute
    assert cached.summary() == fresh.summary()
    pd.testing.assert_frame_equal(cached.report(), fresh.report())


def test_repeat_load_reads_the_cache_and_equals_the_first(messy_folder, cache_dir, monkeypatch):
    first = load(messy_folder)
    assert len(first.quarantine) == 5 and "notes.txt" in first.ignored_sources
    assert any("above the header" in s for s in first.ignored_sources)  # skipped lines are in the report
    assert len(data_cache.cache_entries()) == 1

    def no_reading(*args, **kwargs):
        raise AssertionError("a repeat load must not read the files again")

    monkeypatch.setattr(importlib.import_module("workbench.io.load"), "_load", no_reading)
    again = load(messy_folder)
    assert_same_data(again, first)
    assert_no_row_lost(again)  # rows read = loaded + quarantined still holds
    for name, read in again.rows_read.items():
        assert read == again.rows_loaded[name] + again.rows_quarantined[name]


def test_cached_tables_keep_their_dtypes(valid_folder):
    first = load(valid_folder)
    again = load(valid_folder)
    for name, table in first.tables.items():
        assert again[name].dtypes.to_dict() == table.dtypes.to_dict()
    assert again.opportunities["created_at"].dtype == "datetime64[ns]"
    assert again.opportunities["amount"].dtype == "float64"
    assert again.quarantine["row"].dtype == first.quarantine["row"].dtype


def _edit_same_size(folder):
    path = folder / "reps.csv"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("East", "Easy", 1)
    assert edited != text and len(edited) == len(text)
    stat = path.stat()
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time stamp: only the content differs


def _touch(folder):
    path = folder / "opportunities.csv"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _new_file(folder):
    (folder / "activities.csv").write_text("activity_id,rep_id,type,at\nA1,R1,call,2026-01-06\n", encoding="utf-8")


def _new_ignored_file(folder):
    (folder / "readme.txt").write_text("hello", encoding="utf-8")  # the report lists it


def _removed_file(folder):
    (folder / "stage_history.csv").unlink()


@pytest.mark.parametrize("change", [_edit_same_size, _touch, _new_file, _new_ignored_file, _removed_file])
def test_any_change_to_the_input_invalidates(valid_folder, change):
    first = load(valid_folder)
    change(valid_folder)
    fresh = load(valid_folder, cache=False)
    again = load(valid_folder)
    assert again.fingerprint != first.fingerprint
    assert_same_data(again, fresh)
    assert len(data_cache.cache_entries()) == 2


def test_a_changed_big_file_with_its_time_stamp_restored_invalidates(valid_folder, monkeypatch):
    monkeypatch.setattr(data_cache, "SMALL_FILE_BYTES", 10)  # every file counts as big: no content hash
    first = load(valid_folder)
    path = valid_folder / "reps.csv"
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("East", "Easy", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load(valid_folder).fingerprint != first.fingerprint  # the change time and head sample differ


def test_load_arguments_are_part_of_the_key(valid_folder, tmp_path, monkeypatch):
    plain = load(valid_folder)
    stages_file = tmp_path / "stages.csv"
    stages_file.write_text("stage,order\nLead,1\nDemo,2\n", encoding="utf-8")
    with_stages = load(valid_folder, stages=stages_file)
    assert with_stages.fingerprint != plain.fingerprint
    stages_file.write_text("stage,order\nDemo,1\nLead,2\n", encoding="utf-8")
    reordered = load(valid_folder, stages=stages_file)
    assert reordered.stages == ("Demo", "Lead") and reordered.fingerprint != with_stages.fingerprint
    listed = load(valid_folder, stages=["Lead"])
    assert listed.stages == ("Lead",) and listed.fingerprint not in {plain.fingerprint, reordered.fingerprint}
    limited = load(valid_folder, limits={"max_columns": 100})
    assert limited.fingerprint != plain.fingerprint
    monkeypatch.setenv("WORKBENCH_MAX_AMOUNT", "500")
    strict = load(valid_folder)
    assert strict.fingerprint != plain.fingerprint
    assert "amount above the plausible maximum" in " ".join(strict.quarantine["reason"])
    monkeypatch.setenv("WORKBENCH_DATE_RANGE", "2026..2100")
    assert load(valid_folder).fingerprint != strict.fingerprint
    monkeypatch.delenv("WORKBENCH_MAX_AMOUNT")
    monkeypatch.delenv("WORKBENCH_DATE_RANGE")
    assert_same_data(load(valid_folder), plain)


def test_a_code_change_invalidates(valid_folder, monkeypatch):
    first = load(valid_folder)
    monkeypatch.setattr(data_cache, "code_version", lambda: "another version of the loading code")
    assert load(valid_folder).fingerprint != first.fingerprint


HUBSPOT_DEALS = (
    "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\n"
    "101,Acme renewal,Closed won,\"12,000\",2026-03-05,2026-01-10,Jane Doe\n"
    "102,Beta pilot,Appointment scheduled,3000,2026-05-01,2026-02-01,Li Lei\n"
)


def test_crm_imports_are_cached_by_preset_and_mapping_content(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "deals.csv").write_text(HUBSPOT_DEALS, encoding="utf-8")
    first = load(exports, preset="hubspot")
    assert_same_data(load(exports, preset="hubspot"), first)
    mapping = tmp_path / "my_crm.toml"
    mapping.write_text('extends = "hubspot"\nname = "my crm"\n', encoding="utf-8")
    mine = load(exports, mapping=mapping)
    assert mine.fingerprint != first.fingerprint
    mapping.write_text('extends = "hubspot"\nname = "my crm"\n[currency]\nreporting = "EUR"\n', encoding="utf-8")
    edited = load(exports, mapping=mapping)
    assert edited.fingerprint != mine.fingerprint
    assert_same_data(load(exports, mapping=mapping), edited)


def test_database_files_are_cached_and_invalidated(tmp_path):
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as con:
        frame(REPS_CSV).to_sql("reps", con, index=False)
        frame(OPPORTUNITIES_CSV).to_sql("opportunities", con, index=False)
    first = load(path)
    assert_same_data(load(path), first)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE opportunities SET amount = '-1' WHERE opportunity_id = 'O1'")
    changed = load(path)
    assert changed.fingerprint != first.fingerprint and len(changed.quarantine) == 1


@pytest.mark.parametrize("damage", ["truncate", "garbage_meta", "missing_table"])
def test_a_damaged_entry_is_rebuilt_not_an_error(messy_folder, damage):
    first = load(messy_folder)
    (entry,) = [e["path"] for e in data_cache.cache_entries()]
    if damage == "truncate":
        table = entry / "opportunities.arrow"
        table.write_bytes(table.read_bytes()[:100])
    elif damage == "garbage_meta":
        (entry / "meta.json").write_text("{not json", encoding="utf-8")
    else:
        (entry / "reps.arrow").unlink()
    again = load(messy_folder)
    assert_same_data(again, first)
    (rebuilt,) = data_cache.cache_entries()
    assert rebuilt["path"] == entry and (entry / "reps.arrow").is_file()
    assert_same_data(load(messy_folder), first)


def test_leftover_temporary_folders_are_never_read(valid_folder):
    first = load(valid_folder)
    (entry,) = [e["path"] for e in data_cache.cache_entries()]
    partial = entry.parent / f".tmp-{first.fingerprint[:12]}-1-deadbeef"
    partial.mkdir()
    (partial / "meta.json").write_text("{}", encoding="utf-8")
    assert_same_data(load(valid_folder), first)
    assert [e["path"] for e in data_cache.cache_entries()] == [entry]


def test_cache_off_writes_nothing(valid_folder, cache_dir, monkeypatch, capsys):
    data = load(valid_folder, cache=False)
    assert data.fingerprint is not None  # still identifies the content
    monkeypatch.setenv("WORKBENCH_CACHE", "0")
    assert load(valid_folder).fingerprint == data.fingerprint
    monkeypatch.delenv("WORKBENCH_CACHE")
    assert main(["validate", str(valid_folder), "--no-cache"]) == 0
    assert "Data-quality report" in capsys.readouterr().out
    assert _files(cache_dir) == []
    assert main(["validate", str(valid_folder)]) == 0
    assert len(data_cache.cache_entries()) == 1


def test_cache_off_does_not_read_a_stale_or_present_entry(valid_folder, monkeypatch):
    load(valid_folder)
    monkeypatch.setattr(data_cache, "read_entry", lambda key: pytest.fail("cache=False must not read the cache"))
    load(valid_folder, cache=False)


def test_in_memory_data_is_not_cached(reps, opportunities, cache_dir):
    data = load({"reps": reps, "opportunities": opportunities})
    assert data.fingerprint is None
    assert _files(cache_dir) == []


@pytest.mark.parametrize("command", ["validate", "kpi", "forecast", "diagnose", "coach", "review", "targets", "payout"])
def test_every_loading_command_has_no_cache(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--no-cache" in capsys.readouterr().out


class _Stop(Exception):
    """Raised by the stand-in loader once it has seen the arguments."""


@pytest.mark.parametrize("command, extra", [
    ("validate", []), ("kpi", []), ("forecast", []), ("diagnose", []), ("coach", []),
    ("review", ["--period", "2026-Q1", "--out", "{tmp}/reviews"]), ("targets", ["--period", "2026-Q2"]),
    ("payout", ["--plan", str(Path(__file__).resolve().parents[2] / "docs" / "example_plan.toml"), "--period", "2026-Q1"]),
])
@pytest.mark.parametrize("flag, expected", [(["--no-cache"], False), ([], True)])
def test_commands_pass_no_cache_to_load(valid_folder, tmp_path, monkeypatch, command, extra, flag, expected):
    seen = {}
    extra = [arg.replace("{tmp}", str(tmp_path)) for arg in extra]

    def recording_load(source, **kwargs):
        seen.update(kwargs)
        raise _Stop

    monkeypatch.setattr(importlib.import_module("workbench.io.load"), "load", recording_load)
    try:
        main([command, str(valid_folder), *extra, *flag])
    except _Stop:
        pass
    assert seen.get("cache") is expected, (command, seen)


def test_the_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "here"))
    assert data_cache.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_cache.cache_dir() == tmp_path / "xdg" / "workbench"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_cache.cache_dir() == tmp_path / "home" / ".cache" / "workbench"


def test_old_entries_are_pruned_per_source_and_by_size(valid_folder, tmp_path, monkeypatch):
    fingerprints = []
    for version in range(data_cache.KEEP_PER_SOURCE + 2):
        _touch(valid_folder)
        fingerprints.append(load(valid_folder).fingerprint)
    kept = [e["key"] for e in data_cache.cache_entries()]
    assert len(kept) == data_cache.KEEP_PER_SOURCE
    assert set(kept) == set(fingerprints[-data_cache.KEEP_PER_SOURCE:])  # the newest stay
    other = tmp_path / "other"
    other.mkdir()
    for name in ("reps.csv", "opportunities.csv"):
        (other / name).write_bytes((valid_folder / name).read_bytes())
    monkeypatch.setenv("WORKBENCH_CACHE_MAX_BYTES", "1")
    newest = load(other)
    assert [e["key"] for e in data_cache.cache_entries()] in ([], [newest.fingerprint])
    assert len(data_cache.cache_entries()) <= 1


def test_fingerprint_changes_with_the_data_and_only_then(valid_folder):
    first = load(valid_folder, cache=False)
    assert load(valid_folder, cache=False).fingerprint == first.fingerprint
    (valid_folder / "opportunities.csv").write_text(BAD_DEALS, encoding="utf-8")
    assert load(valid_folder, cache=False).fingerprint != first.fingerprint


def test_an_unwritable_cache_is_no_error(valid_folder, cache_dir):
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the cache folder should be", encoding="utf-8")
    data = load(valid_folder)
    assert_same_data(load(valid_folder), data)


def test_the_entry_is_written_in_the_background_where_the_cache_was_when_loading(valid_folder, cache_dir,
                                                                                 monkeypatch):
    """load() returns before its entry is written; the write goes to the cache folder set at load
    time, a repeat load in the same process waits for it and reads it, and so does cache_entries."""
    import threading

    release = threading.Event()
    real_write = data_cache.write_entry

    def slow_write(*args, **kwargs):
        release.wait(10)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(data_cache, "write_entry", slow_write)
    first = load(valid_folder)  # returns although the write is held back
    assert _files(cache_dir) == []
    monkeypatch.setenv(data_cache.CACHE_DIR_ENV, str(cache_dir.parent / "elsewhere"))
    release.set()
    data_cache.wait_for_writes()
    monkeypatch.setenv(data_cache.CACHE_DIR_ENV, str(cache_dir))
    (entry,) = data_cache.cache_entries()
    assert entry["key"] == first.fingerprint and not (cache_dir.parent / "elsewhere").exists()
    monkeypatch.setattr(importlib.import_module("workbench.io.load"), "_load",
                        lambda *a, **k: pytest.fail("read the files again"))
    again = load(valid_folder)
    pd.testing.assert_frame_equal(again.opportunities, first.opportunities)
