"""Files uploaded into an app: a per-session temporary folder, size limits, safe zip extraction.

Every app page runs in its own kernel (one Python process per browser session), and each
:class:`UploadFolder` is a fresh ``tempfile.mkdtemp`` folder owned by that process, so two
sessions never see each other's files. The folder is removed when the picker is closed,
when the process ends (kernel shutdown: ``weakref.finalize`` runs at exit) and, upload by
upload, when a new upload replaces the previous one. A kernel killed by a signal cannot
clean up: the next session's first upload removes folders whose process is gone.

Limits (each from an environment variable, sizes accept ``KB``, ``MB``, ``GB``):

========================================  ==========  =========================================
variable                                  default     what it bounds
========================================  ==========  =========================================
``WORKBENCH_MAX_UPLOAD_BYTES``            100 MiB     all files of one upload together
``WORKBENCH_MAX_UPLOAD_FILE_BYTES``       50 MiB      one uploaded file, or one file in a zip
``WORKBENCH_MAX_UPLOAD_EXPANDED_BYTES``   1 GiB       everything a zip expands to
``WORKBENCH_MAX_UPLOAD_MEMBERS``          500         files in a zip
========================================  ==========  =========================================

A zip is extracted flat (folders inside it are ignored, so ``export/reps.csv`` becomes
``reps.csv``); a member with an absolute path, a ``..`` component, a link, encryption, or
more bytes than its header declares refuses the whole upload before anything is loaded.

Examples
--------
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as archive:
...     archive.writestr("export/reps.csv", "rep_id,name,team,region\\nR1,Ann,East,North\\n")
>>> folder = UploadFolder()
>>> received = folder.receive([("my_team.zip", buffer.getvalue())])
>>> sorted(p.name for p in received.iterdir())
['reps.csv']
>>> folder.receive([("notes.zip", b"not a zip")])
Traceback (most recent call last):
...
workbench.errors.DataError: notes.zip: is not a zip archive (it does not open as one); upload CSV / XLSX files or a zip of them.
>>> folder.close()
>>> folder.root.exists()
False
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
import weakref
import zipfile
import zlib
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath

from workbench.errors import DataError
from workbench.io.limits import format_size, parse_size
from workbench.io.readers import SUPPORTED_EXTENSIONS

__all__ = ["UploadLimits", "UploadFolder", "upload_limits", "remove_orphaned_folders", "UPLOAD_EXTENSIONS",
           "TEMP_PREFIX"]

#: File types an upload may hold (besides ``.zip``): what :func:`workbench.load` reads.
UPLOAD_EXTENSIONS = tuple(sorted({*SUPPORTED_EXTENSIONS, ".toml"}))
#: Prefix of every upload folder in the system's temporary folder.
TEMP_PREFIX = "workbench-upload-"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class UploadLimits:
    """How much one upload may hold; see the module docstring for the environment variables.

    Attributes
    ----------
    max_upload_bytes : int
        All files of one upload together (as sent by the browser).
    max_upload_file_bytes : int
        One uploaded file, or one file inside a zip once extracted.
    max_upload_expanded_bytes : int
        Everything one upload's zips expand to.
    max_upload_members : int
        Files in one zip.
    """

    max_upload_bytes: int = 100 << 20
    max_upload_file_bytes: int = 50 << 20
    max_upload_expanded_bytes: int = 1 << 30
    max_upload_members: int = 500


def upload_limits(**changes) -> UploadLimits:
    """The limits in force: :class:`UploadLimits` defaults, the environment, then ``changes``.

    >>> upload_limits(max_upload_bytes="2MB").max_upload_bytes
    2097152
    """
    values = {}
    for field in fields(UploadLimits):
        raw = os.environ.get(f"WORKBENCH_{field.name.upper()}")
        if raw:
            try:
                values[field.name] = parse_size(raw)
            except ValueError as err:
                raise DataError(f"environment variable WORKBENCH_{field.name.upper()}: {err}; unset it or give "
                                f"a size such as 200MB.") from None
    values.update({name: parse_size(value) for name, value in changes.items()})
    return replace(UploadLimits(), **values)


def _hint(name: str) -> str:
    return f"raise it with the environment variable WORKBENCH_{name.upper()} (see docs/app_data.md)"


def _safe_upload_name(name: str) -> str:
    """The file name a browser sent, without any folder part; refuse names that are not a plain file name."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    if not base or base in (".", "..") or base.startswith("."):
        raise DataError(f"{name!r}: not a usable file name; rename the file (e.g. reps.csv) and upload it again.")
    return base


def _member_name(info: zipfile.ZipInfo, archive: str) -> str | None:
    """The plain file name a zip member is extracted to; None for a member to skip; DataError for a hostile one."""
    raw = info.filename
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise DataError(f"{archive}: member {raw!r} points outside the archive (an absolute path or '..'); "
                        f"refused, nothing was loaded. Zip the data folder's files themselves.", file=archive)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise DataError(f"{archive}: member {raw!r} is a symbolic link; refused, nothing was loaded. "
                        f"Zip the files themselves, not links to them.", file=archive)
    if info.is_dir():
        return None
    if info.flag_bits & 0x1:
        raise DataError(f"{archive}: member {raw!r} is encrypted; upload a zip without a password.", file=archive)
    if "__MACOSX" in parts or any(part.startswith(".") for part in parts):
        return None  # the Finder's resource forks and hidden files are not data
    return parts[-1]


_OWNER = ".owner-pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process: alive, and not ours to judge
    return True


def remove_orphaned_folders() -> list[Path]:
    """Remove upload folders whose kernel is gone without cleaning up (killed, not shut down).

    A kernel that shuts down removes its own folder; one killed by a signal cannot, so
    every new session sweeps the folders whose owning process no longer runs. Returns
    the folders removed.
    """
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
        try:
            pid = int((folder / _OWNER).read_text())
        except (OSError, ValueError):
            continue  # not written by an UploadFolder, or not readable: leave it
        if not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class UploadFolder:
    """A temporary folder for one session's uploads, removed when the session ends.

    Parameters
    ----------
    limits : UploadLimits, optional
        Default :func:`upload_limits` (the environment's, else the defaults).

    Attributes
    ----------
    root : pathlib.Path
        The session's folder (``<tmp>/workbench-upload-XXXX``); each upload gets a
        sub-folder ``upload-N`` in it.
    """

    def __init__(self, limits: UploadLimits | None = None):
        self.limits = limits if limits is not None else upload_limits()
        remove_orphaned_folders()
        self.root = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        (self.root / _OWNER).write_text(str(os.getpid()))
        self._count = 0
        # runs on close(), on garbage collection, and at interpreter exit (kernel shutdown)
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.root), True)

    @property
    def closed(self) -> bool:
        """Whether the folder has been removed."""
        return not self._finalizer.alive

    def close(self) -> None:
        """Remove the folder and everything uploaded into it."""
        self._finalizer()

    def receive(self, files) -> Path:
        """Write one upload into a new sub-folder and return it.

        Parameters
        ----------
        files : iterable of (name, bytes)
            The files as the browser sent them: CSV / TSV / TXT / XLSX / XLS / ODS /
            Parquet files, stage configs (``stages.toml``) or zips of them.

        Returns
        -------
        pathlib.Path
            The folder holding the upload's files (zips extracted, flat).

        Raises
        ------
        DataError
            Over a size limit, a file type the workbench does not read, a zip that is
            not one or holds a hostile member, two files with one name. Nothing is kept
            of a refused upload.
        """
        if self.closed:
            raise DataError("the upload folder of this session was closed; reload the page to upload again.")
        files = [(_safe_upload_name(name), memoryview(content)) for name, content in files]
        if not files:
            raise DataError("no files in the upload; pick CSV / XLSX files or a zip of them.")
        self._check_sizes(files)
        self._count += 1
        target = self.root / f"upload-{self._count}"
        target.mkdir()
        try:
            expanded = [0]
            for name, content in files:
                if name.lower().endswith(".zip"):
                    self._extract(name, content, target, expanded)
                elif name.lower().endswith(UPLOAD_EXTENSIONS):
                    self._write(target, name, content, origin=name)
                else:
                    raise DataError(f"{name}: not a file type the workbench reads; upload CSV / TSV / XLSX / "
                                    f"Parquet files named after the tables (reps.csv, opportunities.csv, ...) "
                                    f"or a zip of them.", file=name)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return target

    def keep_only(self, upload: Path) -> None:
        """Remove every earlier upload but ``upload`` (the one now shown)."""
        for folder in self.root.glob("upload-*"):
            if folder != Path(upload):
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self, upload: Path) -> None:
        """Remove one upload (it was refused while loading)."""
        shutil.rmtree(upload, ignore_errors=True)

    def _check_sizes(self, files) -> None:
        limits = self.limits
        for name, content in files:
            if content.nbytes > limits.max_upload_file_bytes:
                raise DataError(f"{name}: {format_size(content.nbytes)} is over the upload limit of "
                                f"{format_size(limits.max_upload_file_bytes)} per file; nothing was loaded. "
                                f"Load a bigger source as a folder on the server, or "
                                f"{_hint('max_upload_file_bytes')}.", file=name)
        total = sum(content.nbytes for _, content in files)
        if total > limits.max_upload_bytes:
            raise DataError(f"the upload holds {format_size(total)}, over the limit of "
                            f"{format_size(limits.max_upload_bytes)} per upload; nothing was loaded. Load a bigger "
                            f"source as a folder on the server, or {_hint('max_upload_bytes')}.")

    def _write(self, target: Path, name: str, content, *, origin: str) -> None:
        path = target / name
        if path.exists():
            raise DataError(f"{origin}: a second file named {name!r} in the upload; keep one per table.", file=name)
        path.write_bytes(content)

    def _extract(self, archive: str, content, target: Path, expanded: list) -> None:
        limits = self.limits
        try:
            zipped = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, OSError, ValueError):
            raise DataError(f"{archive}: is not a zip archive (it does not open as one); upload CSV / XLSX files "
                            f"or a zip of them.", file=archive) from None
        with zipped:
            members = zipped.infolist()
            if len(members) > limits.max_upload_members:
                raise DataError(f"{archive}: holds {len(members):,} entries, over the limit of "
                                f"{limits.max_upload_members:,}; nothing was loaded ({_hint('max_upload_members')}).",
                                file=archive)
            plan = [(info, _member_name(info, archive)) for info in members]  # refuse before writing anything
            for info, name in plan:
                if name is None:
                    continue
                if info.file_size > limits.max_upload_file_bytes:
                    raise DataError(f"{archive}: member {info.filename!r} expands to {format_size(info.file_size)}, "
                                    f"over the limit of {format_size(limits.max_upload_file_bytes)} per file; "
                                    f"nothing was loaded ({_hint('max_upload_file_bytes')}).", file=archive)
            declared = expanded[0] + sum(info.file_size for info, name in plan if name is not None)
            if declared > limits.max_upload_expanded_bytes:
                raise DataError(f"{archive}: expands to {format_size(declared)}, over the limit of "
                                f"{format_size(limits.max_upload_expanded_bytes)}; nothing was loaded "
                                f"({_hint('max_upload_expanded_bytes')}).", file=archive)
            for info, name in plan:
                if name is None:
                    continue
                path = target / name
                if path.exists():
                    raise DataError(f"{archive}: two files named {name!r} (in different folders of the zip); "
                                    f"keep one per table.", file=archive)
                written = 0
                try:
                    with zipped.open(info) as source, open(path, "wb") as sink:
                        while chunk := source.read(_CHUNK):
                            written += len(chunk)
                            if written > info.file_size:  # the header lied: stop before the disk fills
                                raise DataError(f"{archive}: member {info.filename!r} holds more than its header "
                                                f"declares; refused, nothing was loaded.", file=archive)
                            sink.write(chunk)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
                    raise DataError(f"{archive}: member {info.filename!r} cannot be extracted ({err}); "
                                    f"zip the files again.", file=archive) from None
                expanded[0] += written

