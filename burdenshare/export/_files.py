"""Safe outputs: an output and its sidecars land together or not at all, never over an input.

Every writer writes into a staging folder made inside the target folder (the same file system,
so the final step is a rename). Only when every file of the output has been written are they
renamed into place; on any failure the staging folder is removed and nothing of the output is
left. File-system problems become :class:`~burdenshare._errors.OutputError`: one line naming
the path and the operating system's reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .._errors import OutputError

#: Prefix of the staging folders (hidden; removed whatever happens).
STAGING_PREFIX = ".burdenshare-staging-"


def os_reason(err: OSError) -> str:
    """The operating system's reason of ``err`` in words (``strerror``, else the message)."""
    return err.strerror or str(err) or type(err).__name__


def output_error(path: Path, err: OSError, staging: Path | None = None) -> OutputError:
    """The one-line :class:`OutputError` for ``path`` (names the path and the OS reason).

    A file named by the OS inside the staging folder is named by its final place.
    """
    if isinstance(err, OutputError):
        return err
    name = str(err.filename) if err.filename else ""
    if staging is not None and name.startswith(str(staging)):
        name = str(path.parent / Path(name).relative_to(staging))
    where = f" ({name})" if name and name != str(path) else ""
    return OutputError(str(path), os_reason(err) + where)


def _check_target(path: Path) -> None:
    """Refuse an output path that is a folder (writing it would fail half-way)."""
    if path.is_dir():
        raise OutputError(str(path), "it is a folder; give a file name")


def _file_on_the_way(folder: Path) -> Path | None:
    """The first of ``folder`` and its parents that exists as something other than a folder."""
    for p in (folder, *folder.parents):
        if p.exists() or p.is_symlink():
            return None if p.is_dir() else p
    return None


def _ensure_folder(folder: Path, path: Path) -> None:
    """Create ``folder`` (and its parents); a parent that is a file is an :class:`OutputError`."""
    blocker = _file_on_the_way(folder)
    if blocker is not None:
        raise OutputError(str(path), f"{blocker} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise output_error(path, err) from err


def _move_all(staged: Iterable[Path], folder: Path) -> list[Path]:
    """Rename every staged file into ``folder``; the final paths, in order."""
    final = []
    for p in staged:
        target = folder / p.name
        os.replace(p, target)
        final.append(target)
    return final


def land(path: str | Path, produce: Callable[[Path], list[Path]], *,
         folder: Path | None = None) -> list[Path]:
    """Write one output through a staging folder and rename its files into place together.

    Parameters
    ----------
    path : str or Path
        The output the user asked for (named in any error).
    produce : callable
        Called with the staging path of ``path``; writes the output and its sidecars beside
        it and returns every file written.
    folder : Path, optional
        Where the files land (default: the folder of ``path``).

    Returns
    -------
    list of Path
        The files in their final place.

    Raises
    ------
    OutputError
        The folder cannot be created or written, the path is a folder, the disk is full, ...
    """
    p = Path(path)
    target = folder if folder is not None else p.parent
    if folder is None:
        _check_target(p)
    _ensure_folder(target, p)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
    except OSError as err:
        raise OutputError(str(p), f"cannot create files in {target} ({os_reason(err)})") from err
    try:
        return _move_all(produce(staging / p.name), target)
    except OSError as err:
        raise output_error(p, err, staging) from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (after resolving links; both need not exist).

    Parameters
    ----------
    a, b : str or Path

    Returns
    -------
    bool
    """
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return os.path.samefile(pa, pb)
    return pa.resolve() == pb.resolve()
