"""The data-vintage choice the apps share: which data to open on, and the options of the
``bs-vintage`` dropdown (embedded samples, newest stored, each stored vintage).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..data import Dataset
from ..io import load_sample
from ..store import list_vintages, load

__all__ = ["GIVEN", "data_for", "sample_dataset", "vintage_options"]

#: Dropdown value meaning "the Dataset passed to the app" (no vintage involved).
GIVEN = "given"



@lru_cache(maxsize=1)
def sample_dataset() -> Dataset:
    """Return the embedded samples, loaded once per kernel (:func:`burdenshare.load_sample`)."""
    return load_sample()


def data_for(vintage: str | None, data_dir: str | Path | None, given: Dataset | None = None) -> Dataset:
    """Return the data an app works on.

    Parameters
    ----------
    vintage : str or None
        ``None`` or ``"embedded"``: the embedded samples (loaded once per kernel); ``"given"``:
        ``given``; otherwise a vintage choice of :func:`burdenshare.load`.
    data_dir : str or Path, optional
        Vintage store folder (default: the user data directory).
    given : Dataset, optional
        The dataset passed to the app.

    Returns
    -------
    Dataset
    """
    if vintage == GIVEN and given is not None:
        return given
    if vintage in (None, "embedded"):
        return sample_dataset()
    return load(vintage, root=data_dir)


def vintage_options(data_dir: str | Path | None, *, given: bool = False) -> list[tuple[str, str]]:
    """Return ``(label, value)`` pairs for the vintage dropdown.

    Parameters
    ----------
    data_dir : str or Path, optional
        Vintage store folder.
    given : bool
        Offer "data passed to the app" first.

    Returns
    -------
    list of (str, str)
    """
    opts = [("data passed to the app", GIVEN)] if given else []
    opts.append(("embedded samples", "embedded"))
    stored = list_vintages(data_dir)
    if stored:
        opts.append(("latest stored vintages", "latest"))
    for v in reversed(stored):  # newest first
        o = v.manifest["observations"]
        opts.append((f"{v.id} ({o['rows']:,} rows, {', '.join(v.indicators[:3])}"
                     + (", …" if len(v.indicators) > 3 else "") + ")", v.id))
    return opts
