"""Headless execution of every notebook in ``notebooks/`` (STYLE.md §3.7).

Each notebook is copied, with ``data_samples/``, into a temporary directory and run there by
nbclient on the ``python3`` kernel, which ``make install`` points at this virtual environment
(``ipykernel install --sys-prefix``). A notebook passes when no cell raises: its own last cell
asserts its post-conditions. Committed notebooks carry no outputs and no execution counts.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "python3"
TIMEOUT = 300
#: Text that shows a chart loads its JavaScript from the internet (Altair's online
#: JupyterChart imports from esm.sh; its HTML renderer loads from jsdelivr).
CDN_MARKERS = ("https://esm.sh/", "cdn.jsdelivr.net")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _client(nb: nbformat.NotebookNode, workdir: Path) -> NotebookClient:
    return NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL,
                          resources={"metadata": {"path": str(workdir)}})


def _describe(name: str, index: int, cell: nbformat.NotebookNode, what: str) -> str:
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
    return (f"{name}, cell {index} (id {cell.get('id', '?')}, execution count "
            f"{cell.get('execution_count')}, starting {first!r}): {what}\n"
            f"--- cell source ---\n{cell.source}")


def _errors(name: str, nb: nbformat.NotebookNode) -> list[str]:
    """Describe every error output in an executed notebook, naming the cell."""
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                tb = _ANSI.sub("", "\n".join(o.get("traceback", [])[-6:]))
                out.append(_describe(name, i, cell, f"{o.get('ename')}: {o.get('evalue')}")
                           + f"\n--- traceback (end) ---\n{tb}")
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    shutil.copy2(path, tmp_path / path.name)
    shutil.copytree(ROOT / "data_samples", tmp_path / "data_samples")
    nb = nbformat.read(tmp_path / path.name, as_version=4)
    try:
        _client(nb, tmp_path).execute()
    except CellTimeoutError as err:
        pytest.fail(f"{path.name}: a cell ran longer than {TIMEOUT} s:\n{err}", pytrace=False)
    except CellExecutionError:
        errors = _errors(path.name, nb)
        pytest.fail("\n\n".join(errors) or f"{path.name}: a cell failed (no error output kept)",
                    pytrace=False)
    errors = _errors(path.name, nb)  # e.g. cells tagged raises-exception
    assert not errors, "\n\n".join(errors)
    executed = json.dumps(nb)
    cdn = [m for m in CDN_MARKERS if m in executed]
    assert not cdn, (f"{path.name}: an output loads JavaScript from the internet ({cdn}); call "
                     "alt.renderers.enable('jupyter', offline=True) before showing charts")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_is_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        _describe(path.name, i, cell, f"{len(cell.outputs)} output(s), execution count "
                                      f"{cell.execution_count}")
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, "clear the outputs before committing:\n\n" + "\n\n".join(dirty)
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in the metadata"
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL, (
        f"{path.name}: kernelspec is {nb.metadata.get('kernelspec')!r}, expected {KERNEL!r}")


def test_every_notebook_is_collected() -> None:
    """Every notebook in notebooks/ is executed (new ones are picked up by the glob)."""
    names = {p.name for p in NOTEBOOKS}
    assert {"00_quickstart.ipynb", "01_compare_methods.ipynb",
            "02_contributions_vs_commitments.ipynb",
            "03_write_your_own_estimator.ipynb"} <= names, sorted(names)
    on_disk = {p.name for p in (ROOT / "notebooks").rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts}
    assert on_disk == names, f"notebooks in subfolders are not executed: {on_disk - names}"


def test_kernel_is_this_environment(tmp_path: Path) -> None:
    """The python3 kernel runs this virtual environment and imports this checkout."""
    import burdenshare

    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, burdenshare; print(sys.prefix); print(burdenshare.__file__)")])
    _client(probe, tmp_path).execute()
    lines = probe.cells[0].outputs[0]["text"].splitlines()
    assert Path(lines[0]).resolve() == Path(sys.prefix).resolve(), (
        f"the {KERNEL!r} kernel runs {lines[0]}, not this environment ({sys.prefix}); "
        f"run `python -m ipykernel install --sys-prefix --name {KERNEL}` (make install does)")
    assert Path(lines[1]).resolve() == Path(burdenshare.__file__).resolve()
