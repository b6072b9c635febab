"""Results worth keeping between sessions, remembered per dataset: the heavy fits behind the apps.

A pipeline backtest re-fits the win model and re-runs the simulation at a dozen past
snapshots: tens of seconds that every app start, notebook and CLI run would otherwise pay
again on the same data. :func:`remember` stores such a result on disk (with
:class:`joblib.Memory`) under a key made of

- the dataset's fingerprint (:func:`data_fingerprint`: the loaded files' cache key, or a
  hash of the tables' contents for data built in memory),
- every other argument of the call, and
- a hash of the workbench's own source code, so a new version never reuses an old result.

Any change to the data, the arguments or the code computes afresh. The store lives in
``results/`` under the cache folder (:func:`cache_root`); ``WORKBENCH_CACHE=0`` turns it
off with the data cache, ``WORKBENCH_CACHE_RESULTS=0`` alone, and deleting the folder is
always safe.

>>> import pandas as pd
>>> frames = {"reps": pd.DataFrame({"rep_id": ["R1"]})}
>>> data_fingerprint(frames) == data_fingerprint({"reps": pd.DataFrame({"rep_id": ["R1"]})})
True
>>> data_fingerprint(frames) == data_fingerprint({"reps": pd.DataFrame({"rep_id": ["R2"]})})
False
"""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from pathlib import Path

import pandas as pd

__all__ = ["cache_root", "caching_enabled", "data_fingerprint", "keep_nothing_of", "remember", "CACHE_DIR_ENV_VAR", "CACHE_ENV_VAR",
           "RESULTS_ENV_VAR"]

#: Environment variable naming the cache folder.
CACHE_DIR_ENV_VAR = "WORKBENCH_CACHE_DIR"
#: Environment variable that turns every cache off when set to ``0`` (or ``false``, ``no``, ``off``).
CACHE_ENV_VAR = "WORKBENCH_CACHE"
#: Environment variable that turns off only the kept results (loads still use the data cache).
RESULTS_ENV_VAR = "WORKBENCH_CACHE_RESULTS"
_OFF = ("0", "false", "no", "off")
#: Results kept at most (bytes); the least recently used go first.
RESULTS_BYTES_LIMIT = 2 * 1024**3


def cache_root() -> Path:
    """The cache folder: ``$WORKBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/workbench``, else ``~/.cache/workbench``."""
    explicit = os.environ.get(CACHE_DIR_ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "workbench"


def caching_enabled() -> bool:
    """False when ``$WORKBENCH_CACHE`` says ``0`` / ``false`` / ``no`` / ``off``."""
    return os.environ.get(CACHE_ENV_VAR, "1").strip().lower() not in _OFF


def _results_enabled(data=None) -> bool:
    kept = getattr(data, "_cache", None)
    if isinstance(kept, dict) and kept.get("keep_nothing"):
        return False
    return caching_enabled() and os.environ.get(RESULTS_ENV_VAR, "1").strip().lower() not in _OFF


def keep_nothing_of(data) -> None:
    """Never store results computed from ``data`` (a :class:`~workbench.SalesData`): an app
    session's upload, whose figures must not outlive the session."""
    data._cache["keep_nothing"] = True


@functools.cache
def code_version() -> str:
    """A hash of the workbench's Python sources: results made by other code are never reused."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def data_fingerprint(data) -> str:
    """A key that changes whenever the data changes.

    Data loaded from files carries the cache key of its inputs (``data.fingerprint``); other
    data (a dict of frames, a :class:`~workbench.SalesData` built in memory) is hashed table
    by table, once per bundle (the hash is kept on the bundle).
    """
    known = getattr(data, "fingerprint", None)
    if known:
        return str(known)
    kept = getattr(data, "_cache", None)
    if isinstance(kept, dict) and "content_fingerprint" in kept:
        return kept["content_fingerprint"]
    if hasattr(data, "tables"):
        tables = dict(data.tables)
        extra = repr((tuple(getattr(data, "stages", ())), dict(getattr(data, "pipelines", {}))))
    else:
        tables, extra = dict(data), ""
    digest = hashlib.sha256(extra.encode())
    for name in sorted(tables):
        frame = tables[name]
        digest.update(name.encode())
        digest.update(_frame_digest(frame).encode() if isinstance(frame, pd.DataFrame) else repr(frame).encode())
    fingerprint = "content:" + digest.hexdigest()[:32]
    if isinstance(kept, dict):
        kept["content_fingerprint"] = fingerprint
    return fingerprint


@functools.cache
def _memory(location: str):
    from joblib import Memory

    return Memory(location, verbose=0)


def remember(compute, data, /, *, unkeyed: dict | None = None, **arguments):
    """``compute(data, **arguments)``, from the store when the same call was made before.

    Parameters
    ----------
    compute : callable
        A pure function of a dataset and keyword arguments (same inputs, same result).
    data : SalesData or dict of DataFrames
        The dataset; it enters the key through :func:`data_fingerprint` only.
    unkeyed : dict, optional
        Arguments that do not change the result (a progress bar): passed on, not in the key.
    **arguments
        The other arguments; they enter the key as they are.

    Returns
    -------
    object
        What ``compute`` returns (a new copy when read from the store).
    """
    unkeyed = unkeyed or {}
    if not _results_enabled(data):
        return compute(data, **arguments, **unkeyed)
    root = cache_root() / "results"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: compute without remembering
        return compute(data, **arguments, **unkeyed)
    stored = _memory(str(root)).cache(_call, ignore=["compute", "data", "unkeyed"])
    key = (f"{compute.__module__}.{compute.__qualname__}", code_version(), data_fingerprint(data), arguments)
    hit = stored.check_call_in_cache(*key, compute=compute, data=data, unkeyed=unkeyed)
    result, caught = stored(*key, compute=compute, data=data, unkeyed=unkeyed)
    for category, text in caught:  # what the computation warned (a KPI left out, ...) is said every time
        warnings.warn(text, category, stacklevel=2)
    if not hit:
        try:
            prune()
        except OSError:  # another process pruned the same entries first
            pass
    return result


def _call(name: str, code: str, fingerprint: str, arguments: dict, *, compute, data, unkeyed):
    """The stored function: its key is every argument but ``compute``, ``data`` and ``unkeyed``.

    Returns the result and the warnings the computation raised (category, text), once each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compute(data, **arguments, **unkeyed)
    return result, list(dict.fromkeys((w.category, str(w.message)) for w in caught))


def prune(bytes_limit: int = RESULTS_BYTES_LIMIT) -> None:
    """Drop the least recently used results until the store holds at most ``bytes_limit`` bytes."""
    root = cache_root() / "results"
    if root.exists():
        _memory(str(root)).reduce_size(bytes_limit=bytes_limit)
