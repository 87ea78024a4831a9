"""Coverage-guided fuzzing of the CSV reader with atheris (``make fuzz`` runs it when atheris is
installed): ``python tests/fuzz/atheris_csv.py -runs=N -seed=S tests/fuzz/corpus``.

Any exception other than invalid data (what the CLI reports with exit code 3) is a crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports():
    import burdenshare as bs
    from burdenshare.cli import _read_file

SOURCES = '{"synthetic_test": {"title": "synthetic test data", "publisher": "burdenshare tests"}}'
_TMP = Path(tempfile.mkdtemp(prefix="atheris_csv_"))
(_TMP / "sources.json").write_text(SOURCES, encoding="utf-8")


def one_input(data: bytes) -> None:
    """Read ``data`` as a CSV file the way the CLI does."""
    path = _TMP / "d.csv"
    path.write_bytes(data)
    try:
        _read_file(str(path))
    except (bs.DataValidationError, FileNotFoundError):
        return


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
