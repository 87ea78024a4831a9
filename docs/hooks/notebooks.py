"""MkDocs hook: every notebook in ``notebooks/``, executed during the build, as a page.

The committed notebooks carry no outputs, so each is run here as the test suite runs it
(``tests/notebooks``): copied with ``data_samples/`` into a temporary directory and executed by
nbclient on the ``python3`` kernel, with a time limit per cell, two notebooks at a time. A cell
that fails, or runs past the limit, fails the build with the notebook and the cell.

A static page cannot run widgets, so for the docs only:

- charts are rendered to SVG by vl-convert instead of the ``JupyterChart`` widget: a first cell,
  removed again before the page is written, makes Altair's ``"jupyter"`` renderer draw the same
  chart as an SVG image;
- each widget output (the apps) is replaced by a note saying that it runs in JupyterLab.

nbconvert then writes each notebook as Markdown (code, text, tables and images), so formulas and
links in its Markdown cells are handled like those of any other page.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert import MarkdownExporter
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
#: seconds one cell may run (as in tests/notebooks)
CELL_TIMEOUT = 300
#: notebooks executed at once: each kernel runs on one core, and the machines have two
WORKERS = 2
WIDGET = "application/vnd.jupyter.widget-view+json"
#: text showing that an output loads JavaScript from the internet
CDN_MARKERS = ("https://esm.sh/", "cdn.jsdelivr.net", "unpkg.com")
#: run before the notebook's own cells and removed afterwards: charts become static SVG images
STATIC_CHARTS = """\
import altair as _docs_altair

_docs_altair.renderers.enable("svg")
_docs_svg = _docs_altair.renderers.get()


def _docs_static_chart(spec, **options):
    return _docs_svg(spec)


_docs_altair.renderers.register("jupyter", _docs_static_chart)
del _docs_altair, _docs_static_chart
"""
WIDGET_NOTE = (
    '!!! note "Interactive"\n\n'
    "    Here the notebook shows an interactive widget (`{name}`). It runs in JupyterLab: "
    "open this notebook there and run all cells.\n"
)


def cell_error(name: str, index: int, cell: NotebookNode) -> str | None:
    """Describe the first error output of a cell, or return ``None``."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return f"{name}, cell {index} ({first!r}): {output.get('ename')}: {output.get('evalue')}"
    return None


def check_outputs(name: str, nb: NotebookNode) -> None:
    """Raise ``PluginError`` if a cell failed or an output loads code from the internet."""
    errors = [cell_error(name, i, cell) for i, cell in enumerate(nb.cells)]
    found = [e for e in errors if e is not None]
    if found:
        raise PluginError("notebook failed during the docs build:\n" + "\n".join(found))
    text = nbformat.writes(nb)
    cdn = [m for m in CDN_MARKERS if m in text]
    if cdn:
        raise PluginError(f"{name}: an output loads JavaScript from the internet ({cdn})")


async def run(nb: NotebookNode, name: str, workdir: Path) -> None:
    """Execute a notebook in ``workdir``; raise ``PluginError`` naming the failing cell."""
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(workdir)}})
    try:
        await client.async_execute()
    except CellTimeoutError as err:
        raise PluginError(f"{name}: a cell ran longer than {CELL_TIMEOUT} s: {err}") from err
    except CellExecutionError as err:
        raise PluginError(f"{name}: a cell failed during the docs build:\n{err}") from err


async def execute(path: Path, slots: asyncio.Semaphore) -> NotebookNode:
    """Return a notebook executed in a temporary copy of the repository's data, charts static."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(STATIC_CHARTS))
    async with slots:
        with tempfile.TemporaryDirectory(prefix="burdenshare-docs-") as tmp:
            workdir = Path(tmp)
            shutil.copytree(ROOT / "data_samples", workdir / "data_samples")
            await run(nb, path.name, workdir)
    nb.cells.pop(0)
    check_outputs(path.name, nb)
    return nb


async def execute_all(paths: list[Path]) -> list[NotebookNode]:
    """Return the notebooks executed, ``WORKERS`` at a time, in the order given."""
    slots = asyncio.Semaphore(WORKERS)
    return list(await asyncio.gather(*(execute(p, slots) for p in paths)))


def widget_name(output: NotebookNode) -> str:
    """Return the class name a widget output shows in its text form, e.g. ``ComparisonApp``."""
    text = output.get("data", {}).get("text/plain", "widget")
    return text.split("(", 1)[0].strip() or "widget"


def without_widgets(output: NotebookNode) -> NotebookNode:
    """Return an output, or a note in place of a widget the static page cannot run."""
    if WIDGET not in output.get("data", {}):
        return output
    note = WIDGET_NOTE.format(name=widget_name(output))
    return nbformat.v4.new_output("display_data", data={"text/markdown": note})


def replace_widgets(nb: NotebookNode) -> None:
    """Replace every widget output of an executed notebook by a note."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [without_widgets(o) for o in cell.outputs]


def to_markdown(nb: NotebookNode, stem: str) -> tuple[str, dict[str, bytes]]:
    """Return a notebook as Markdown and its images by path (relative to the page)."""
    resources = {"output_files_dir": f"{stem}_files", "unique_key": stem}
    body, written = MarkdownExporter().from_notebook_node(nb, resources=resources)
    body = body.replace("![svg](", "![Chart](").replace("![png](", "![Chart](")
    return body, dict(written.get("outputs", {}))


def notebook_files(config: MkDocsConfig, path: Path, nb: NotebookNode) -> list[File]:
    """Return the files of one executed notebook's page: the Markdown page and its images."""
    replace_widgets(nb)
    body, images = to_markdown(nb, path.stem)
    files = [File.generated(config, f"notebooks/{path.stem}.md", content=body)]
    for name, data in sorted(images.items()):
        files.append(File.generated(config, f"notebooks/{name}", content=data))
    return files


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    """Execute every notebook and add its page to the site."""
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    executed = asyncio.run(execute_all(paths))
    for path, nb in zip(paths, executed, strict=True):
        for file in notebook_files(config, path, nb):
            files.append(file)
    return files
