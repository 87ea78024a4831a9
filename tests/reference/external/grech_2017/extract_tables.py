"""Extract Tables 1 and 2 of Grech (2016/2017) from the PDF into CSV (run by hand, not by the tests).

Source PDF: ``grech2016.pdf`` in the public repository ``georgeblck/refugee-distribution`` at
commit ``16cb1b8`` (sha256 026fb48c0dcc6921f169896c671d5fcab9eb44e5181489d51f100ec1a3afde7e;
"Undesired properties of the European Commission's refugee distribution key", European Union
Politics, online first, DOI 10.1177/1465116516649244; 27 pages). Commands used::

    git -C <mirror of georgeblck/refugee-distribution> show 16cb1b8:grech2016.pdf > /tmp/grech.pdf
    sha256sum /tmp/grech.pdf
    for p in 14 15 20 21; do pdftotext -f $p -l $p -raw /tmp/grech.pdf /tmp/g$p.txt; done
    python extract_tables.py /tmp  # writes table1.csv and table2.csv next to this script

``pdftotext`` is poppler-utils 22.x (Debian). In the raw text the typographic minus sign comes
out as the control character U+0003; it is mapped back to "-" here. Table 1 is printed on
journal pages 14-15, Table 2 on pages 20-21 (PDF page numbers equal journal page numbers).
Nothing is rounded or recomputed: each cell is the printed text, percentages without "%".
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

#: Grech's two-letter state labels (as printed) -> ISO 3166-1 alpha-3
STATES = {
    "DE": "DEU", "FR": "FRA", "UK": "GBR", "IT": "ITA", "ES": "ESP", "PL": "POL", "RO": "ROU",
    "NL": "NLD", "BE": "BEL", "GR": "GRC", "CZ": "CZE", "PT": "PRT", "HU": "HUN", "SE": "SWE",
    "AU": "AUT", "CH": "CHE", "BG": "BGR", "DK": "DNK", "FI": "FIN", "SK": "SVK", "NO": "NOR",
    "IE": "IRL", "HR": "HRV", "LT": "LTU", "SL": "SVN", "LV": "LVA", "EE": "EST", "CY": "CYP",
    "LU": "LUX", "MT": "MLT", "IS": "ISL", "LI": "LIE",
}

TABLE1 = ["pi_gdp", "pi_pop", "y_pct", "pi_un_pure", "pi_un", "x_per_million", "pi_as_pure",
          "pi_as", "pi_base", "pi_pure", "pi", "pure_vs_base_pct", "final_vs_base_pct"]
TABLE2 = ["pi_gdp", "pi_pop", "x_per_capita", "y_pct", "lambda_as", "lambda_un", "pi_base",
          "pi_star", "pi_star_star", "star_vs_base_pct", "star_star_vs_base_pct",
          "star_star_vs_ec_pct"]


def rows(text: str, ncols: int) -> list[list[str]]:
    text = text.replace("\x03", "-")
    tokens = text.split()
    out = []
    for i, tok in enumerate(tokens):
        if tok in STATES:
            cells = tokens[i + 1: i + 1 + ncols]
            if len(cells) == ncols and all(re.fullmatch(r"-?[0-9.]+%?", c) for c in cells):
                out.append([tok, STATES[tok], *[c.rstrip("%") for c in cells]])
    return out


def main(folder: str) -> None:
    here = Path(__file__).resolve().parent
    src = Path(folder)
    for name, pages, cols, table_pages in (("table1", (14, 15), TABLE1, "14-15"),
                                           ("table2", (20, 21), TABLE2, "20-21")):
        found = []
        for p in pages:
            found += rows((src / f"g{p}.txt").read_text(encoding="utf-8"), len(cols))
        if len(found) != 32:
            raise SystemExit(f"{name}: expected 32 states, found {len(found)}")
        with (here / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["state_as_printed", "iso3", *cols])
            w.writerows(found)
        print(f"{name}.csv: {len(found)} states from pages {table_pages}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp")
