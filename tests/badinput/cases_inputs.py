"""Input files: invalid rows (exit 3, every problem listed) and files that cannot be read at all
(exit 3, one line naming the file and the problem; ``validate`` reports every file).
"""

from __future__ import annotations

import gzip
import io

from .case import GOOD_FILES, HEADER, SOURCES, SYNTHETIC_OBS, Case


def _xlsx_bytes() -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    pd.read_csv(io.StringIO(SYNTHETIC_OBS)).to_excel(buf, index=False)
    return buf.getvalue()


_GZ = gzip.compress(SYNTHETIC_OBS.encode(), mtime=0)
_NOT_UTF8 = (HEADER + "AUT,2020,refugees,1000,persons,synthetic_test\n").encode() + b"\xff\xfe\n"
_RUN = ["run", "refugees_per_1000", "--out", "x.csv", "--data"]
_S = {"sources.json": SOURCES}

CASES = [
    Case("missing-file", "a --data file that does not exist", [*_RUN, "nowhere.csv"], 3,
         "no such file: nowhere.csv"),
    Case("invalid-value", "a value that is not a number (validate lists every problem)",
         ["validate", "synthetic_obs.csv"], 3, "'n/a' is not a number",
         files={"synthetic_obs.csv": HEADER + "AUT,2020,refugees,n/a,persons,synthetic_test\n",
                **_S}, stream="stdout"),
    Case("negative-value", "a negative count", ["validate", "synthetic_obs.csv"], 3,
         "is negative", files={"synthetic_obs.csv": HEADER
                               + "AUT,2021,refugees,-3,persons,synthetic_test\n", **_S},
         stream="stdout"),
    Case("malformed-year", "a year that is not a whole number", ["validate", "synthetic_obs.csv"],
         3, "is not a whole-number year",
         files={"synthetic_obs.csv": HEADER + "AUT,20x0,refugees,3,persons,synthetic_test\n",
                **_S}, stream="stdout"),
    Case("invalid-data-run", "invalid rows given to run (the problems are listed)",
         [*_RUN, "synthetic_obs.csv"], 3, "1 problem(s) in the input data",
         files={"synthetic_obs.csv": HEADER + "AUT,2020,refugees,n/a,persons,synthetic_test\n",
                **_S}, one_line=False),
    Case("not-utf8", "a CSV file that is not UTF-8 text", [*_RUN, "synthetic_obs.csv"], 3,
         "not UTF-8 text", files={"synthetic_obs.csv": _NOT_UTF8, **_S}),
    Case("invalid-sources-json", "a sources.json that is not valid JSON",
         [*_RUN, "synthetic_obs.csv"], 3, "not valid JSON",
         files={"synthetic_obs.csv": SYNTHETIC_OBS, "sources.json": "{oops"}),
    Case("binary-sources-json", "a binary sources.json", [*_RUN, "synthetic_obs.csv"], 3,
         "sources.json: cannot read it: not UTF-8 text",
         files={"synthetic_obs.csv": SYNTHETIC_OBS, "sources.json": b"\x89PNG\r\n\x1a\n\xff\x00"}),
    Case("empty-file", "an empty file", [*_RUN, "synthetic_obs.csv"], 3,
         "synthetic_obs.csv: cannot read it: the file is empty",
         files={"synthetic_obs.csv": "", **_S}),
    Case("folder-as-file", "a folder named like a data file", [*_RUN, "synthetic_obs.csv"], 3,
         "synthetic_obs.csv: cannot read it: it is a folder", files={"synthetic_obs.csv/": "", **_S}),
    Case("corrupt-parquet", "a damaged .parquet file", [*_RUN, "synthetic_obs.parquet"], 3,
         "synthetic_obs.parquet: cannot read it: the file is damaged",
         files={"synthetic_obs.parquet": b"PAR1 not really parquet", **_S}),
    Case("corrupt-xlsx", "a .xlsx file that is not a workbook", [*_RUN, "synthetic_obs.xlsx"], 3,
         "synthetic_obs.xlsx: cannot read it: the file is damaged",
         files={"synthetic_obs.xlsx": b"not a workbook at all", **_S}),
    Case("truncated-xlsx", "a truncated .xlsx workbook", [*_RUN, "synthetic_obs.xlsx"], 3,
         "synthetic_obs.xlsx: cannot read it: the file is damaged",
         files={"synthetic_obs.xlsx": _xlsx_bytes()[:600], **_S}),
    Case("corrupt-gzip", "a .csv.gz file that is not gzip", [*_RUN, "synthetic_obs.csv.gz"], 3,
         "synthetic_obs.csv.gz: cannot read it: the file is damaged",
         files={"synthetic_obs.csv.gz": b"plain text, not gzip", **_S}),
    Case("truncated-gzip", "a truncated .csv.gz file", [*_RUN, "synthetic_obs.csv.gz"], 3,
         "synthetic_obs.csv.gz: cannot read it: the file is damaged",
         files={"synthetic_obs.csv.gz": _GZ[:-12], **_S}),
    Case("validate-every-file", "validate with a bad file first: every file is still checked",
         ["validate", "empty.csv", "synthetic_obs.csv"], 3, "synthetic_obs.csv: OK",
         files={"empty.csv": "", **GOOD_FILES}, stream="stdout"),
]
