"""Which files in a data folder may be read: symbolic links must stay inside the folder.

A data folder is often shared or unpacked from an archive; a link named
``opportunities.csv`` pointing at ``/etc/passwd`` or another user's file must not be
read, and the refusal must not echo anything from the target (not even its path).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> outside = pathlib.Path(tempfile.mkdtemp()) / "secret.txt"
>>> _ = outside.write_text("top secret")
>>> (folder / "reps.csv").symlink_to(outside)
>>> refuse_outside_links(folder, folder / "reps.csv")
Traceback (most recent call last):
...
workbench.errors.DataError: ...reps.csv: is a symbolic link to a file outside the data folder (or to nothing); refused, nothing was read. Copy the file into the folder instead of linking to it.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import DataError

__all__ = ["refuse_outside_links"]


def refuse_outside_links(folder, path) -> None:
    """Raise :class:`DataError` when ``path`` is a symlink leading outside ``folder`` (or nowhere).

    Links inside the folder (``opportunities.csv -> archive/2026.csv``) are fine. The
    message names the link only, never its target or the target's content.
    """
    folder, path = Path(folder), Path(path)
    if not path.is_symlink():
        return
    try:
        path.resolve(strict=True).relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        raise DataError(
            f"{path}: is a symbolic link to a file outside the data folder (or to nothing); refused, "
            f"nothing was read. Copy the file into the folder instead of linking to it.",
            file=path,
        ) from None
