"""UNHCR palette, fonts and the text furniture (title, subtitle, footer) of every chart.

The footer's text (sources, licences, provenance) and the labels come from
:mod:`burdenshare.presentation`.

The colours are those of UNHCR's data-visualisation guidelines as coded in the R package
``unhcrthemes`` (unhcr-dataviz/unhcrthemes, ``data-raw/gen-color-data.R``, commit
01af7d90803fdb4c0c8d0517bbd10ee3e4e71718): the main qualitative order ``pal_main`` (blue04,
yellow02, green03, cyan02, red04, purple03, brown05, grey02), the navy ``#18375F`` and the
six-step sequential blue. The guideline font is Lato (Arial as fallback); it ships in the pip
package ``font-lato`` (SIL Open Font Licence) so that a fresh machine renders charts in it.
"""

from __future__ import annotations

import functools
import importlib.util
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..presentation import d3_format

#: Font family of every chart text (UNHCR guideline font; registered with vl-convert on save).
FONT = "Lato"
#: CSS fallback list used by browsers (JupyterLab) when Lato is not installed there.
FONT_CSS = "Lato, Arial, Helvetica, sans-serif"


class Palette(tuple[str, ...]):
    """UNHCR's main qualitative colour order; index by position or by colour name.

    ``PALETTE[0] == PALETTE["blue"] == "#0072bc"``; ``list(PALETTE)`` is the colour range for a
    categorical scale; ``PALETTE.names`` gives the names in order.
    """

    names: tuple[str, ...]

    def __new__(cls, colours: Mapping[str, str]) -> Palette:  # noqa: D102
        obj = super().__new__(cls, tuple(colours.values()))
        obj.names = tuple(colours)
        return obj

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self.names.index(key))
            except ValueError:
                raise KeyError(f"no colour named {key!r}; names: {', '.join(self.names)}") from None
        return tuple.__getitem__(self, key)

    def as_dict(self) -> dict[str, str]:
        """Return name -> hex colour."""
        return dict(zip(self.names, self))


#: UNHCR main qualitative palette (``unhcrthemes`` ``pal_main``), in the guideline order.
PALETTE = Palette({
    "blue": "#0072bc", "yellow": "#ffc740", "green": "#32c189", "cyan": "#6cd8fd",
    "red": "#d25a45", "purple": "#a097e3", "brown": "#7c3c36", "grey": "#bfbfbf",
})
#: UNHCR navy (``unhcrthemes`` ``main_navy``), used for text and reference lines.
NAVY = "#18375F"
#: Six-step sequential blue (``unhcrthemes`` ``pal_blue_unhcr``), light to dark.
SEQUENTIAL_BLUE = ("#cde3f1", "#8fc1e1", "#4f9ed0", "#0072bc", "#05568b", "#0b3754")
_TEXT_GREY = "#666666"


@functools.lru_cache(maxsize=1)
def font_directory() -> Path:
    """Directory holding the Lato TrueType files (from the ``font-lato`` package).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ImportError
        If ``font-lato`` is not installed (``pip install "burdenshare[charts]"``): charts are
        never rendered in a silently substituted font.
    """
    spec = importlib.util.find_spec("font_lato")
    if spec is None or spec.origin is None:
        raise ImportError("the font package 'font-lato' is not installed, so chart text would "
                          "silently fall back to another font; install it with "
                          "pip install 'burdenshare[charts]'")
    d = Path(spec.origin).parent / "files"
    if not (d / "Lato-Regular.ttf").is_file():
        raise ImportError(f"font-lato is installed but {d / 'Lato-Regular.ttf'} is missing")
    return d


@functools.lru_cache(maxsize=1)
def register_fonts() -> Path:
    """Register the Lato directory with vl-convert (once per process) and return it.

    vl-convert keeps registered fonts for the life of the process; registering adds fonts and
    changes nothing else.

    Returns
    -------
    pathlib.Path
    """
    import vl_convert as vlc

    d = font_directory()
    vlc.register_font_directory(str(d))
    return d


def configure(chart: Any) -> Any:
    """Apply the UNHCR look: Lato everywhere, palette range, no view border, grey grid.

    One shallow copy with the whole ``config`` set at once: each ``configure_*`` call deep-copies
    the chart, which cost half of a comparison chart's build time in the app.
    """
    import altair as alt

    if getattr(chart, "config", alt.Undefined) is not alt.Undefined:  # keep a caller's config
        return _configure_chained(chart)
    out = chart.copy(deep=False)
    out.config = alt.Config(
        font=FONT_CSS, view=alt.ViewConfig(stroke=None),
        range=alt.RangeConfig(category=list(PALETTE)),
        axis=alt.AxisConfig(labelFont=FONT_CSS, titleFont=FONT_CSS, gridColor="#e5e5e5",
                            labelColor=_TEXT_GREY, titleColor=_TEXT_GREY, domainColor="#bfbfbf",
                            tickColor="#bfbfbf"),
        title=alt.TitleConfig(font=FONT_CSS, subtitleFont=FONT_CSS, anchor="start", color=NAVY,
                              fontSize=15, subtitleColor=_TEXT_GREY, subtitleFontSize=11),
        legend=alt.LegendConfig(labelFont=FONT_CSS, titleFont=FONT_CSS),
        header=alt.HeaderConfig(labelFont=FONT_CSS, titleFont=FONT_CSS, labelColor=NAVY))
    return out


def _configure_chained(chart: Any) -> Any:
    return chart.configure(font=FONT_CSS).configure_view(stroke=None).configure_range(
        category=list(PALETTE)).configure_axis(
        labelFont=FONT_CSS, titleFont=FONT_CSS, gridColor="#e5e5e5", labelColor=_TEXT_GREY,
        titleColor=_TEXT_GREY, domainColor="#bfbfbf", tickColor="#bfbfbf").configure_title(
        font=FONT_CSS, subtitleFont=FONT_CSS, anchor="start", color=NAVY, fontSize=15,
        subtitleColor=_TEXT_GREY, subtitleFontSize=11).configure_legend(
        labelFont=FONT_CSS, titleFont=FONT_CSS).configure_header(
        labelFont=FONT_CSS, titleFont=FONT_CSS, labelColor=NAVY)


def row_header() -> Any:
    """Header of row facets: each panel's label left-aligned in bold above the panel."""
    import altair as alt

    return alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                      labelFontWeight="bold")


#: Tooltip formats that differ from :func:`~burdenshare.presentation.d3_format`'s default.
_TOOLTIP_FORMATS = {"std_error": d3_format(3), "year": "d", "event_time": "d"}


def tooltips(*fields: str) -> list[Any]:
    """Tooltips of ``fields`` (``"name:type"``); numbers with the app's significant figures.

    Parameters
    ----------
    *fields : str
        Altair shorthands, e.g. ``"country:N"``, ``"estimate:Q"``.

    Returns
    -------
    list of altair.Tooltip
    """
    import altair as alt

    out = []
    for f in fields:
        name, _, kind = f.partition(":")
        if kind == "Q":
            out.append(alt.Tooltip(f, format=_TOOLTIP_FORMATS.get(name, d3_format())))
        else:
            out.append(alt.Tooltip(f))
    return out


def period(years: Iterable[Any]) -> str:
    """``2024`` or ``2014-2024`` (UNHCR style) from the years shown."""
    ys = sorted({int(y) for y in years if pd.notna(y)})
    if not ys:
        return "no year"
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (NaN -> None, numpy scalars -> Python) for inline chart data."""
    out = []
    for row in df.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                clean[str(k)] = None
            elif isinstance(v, np.generic):
                clean[str(k)] = v.item()
            else:
                clean[str(k)] = v
        out.append(clean)
    return out


def inline(df: pd.DataFrame) -> Any:
    """Altair inline data: the rows plotted (already aggregated), never the transformer path.

    Passing ``InlineData`` skips Altair's row-limit transformer, so no chart raises
    ``MaxRowsError``; every builder passes only the rows it draws.
    """
    import altair as alt

    return alt.InlineData(values=records(df))


def finish(chart: Any, *, title: str, subtitle: Sequence[str], footer: Sequence[str],
           description: str, width: int = 480) -> Any:
    """Add the title, subtitle, a "Source: …" footer, the description and the UNHCR look.

    The footer is a text view concatenated under the chart (Vega-Lite has no caption), so
    every PNG/SVG/PDF carries the sources, licences and provenance.
    """
    import altair as alt

    chars = max(60, int(width / 5.4))  # Lato 10 px averages about 5 px a character
    lines = [w for x in footer if x for w in textwrap.wrap(
        x, chars, subsequent_indent="    ", break_on_hyphens=False)]
    foot = alt.Chart(inline(pd.DataFrame({"i": range(len(lines)), "line": lines}))).mark_text(
        align="left", baseline="top", fontSize=10, color=_TEXT_GREY, font=FONT_CSS, x=0,
    ).encode(
        y=alt.Y("i:O", axis=None), text="line:N",
    ).properties(width=width, height=14 * len(lines))
    out = alt.vconcat(chart, foot, spacing=12).properties(
        title=alt.TitleParams(text=title, subtitle=list(subtitle), anchor="start"),
        description=description,
    )
    return configure(out)
