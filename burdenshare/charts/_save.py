"""Save charts offline (vl-convert) with the Lato font registered; read a chart's description."""

from __future__ import annotations

import html
import struct
import zlib
from pathlib import Path
from typing import Any

from .._errors import ExportError
from ._style import register_fonts

CHART_SUFFIXES = (".png", ".svg", ".pdf")


def describe(chart: Any) -> str:
    """Return the chart's text description (the Vega-Lite top-level ``description``).

    Renderers put it in the SVG's ``aria-label``; screen readers read it.

    Parameters
    ----------
    chart : altair chart

    Returns
    -------
    str
        Empty if the chart has none.
    """
    d = chart.to_dict(validate=False).get("description", "")
    return str(d) if d else ""


def _title_text(spec: dict[str, Any]) -> str:
    t = spec.get("title", "")
    if isinstance(t, dict):
        t = t.get("text", "")
    return " ".join(t) if isinstance(t, list) else str(t or "")


def _accessible_svg(svg: str, title: str, description: str) -> str:
    """Give the root ``<svg>`` ``role="img"``, an ``aria-label`` and a ``<title>``/``<desc>``."""
    if not (title or description):
        return svg
    head, sep, rest = svg.partition("<svg ")
    if not sep:
        return svg
    attrs, gt, body = rest.partition(">")
    label = html.escape(description or title, quote=True)
    inner = (f"<title>{html.escape(title)}</title>" if title else "") + (
        f"<desc>{html.escape(description)}</desc>" if description else "")
    return f'{head}<svg role="img" aria-label="{label}" {attrs}{gt}{inner}{body}'


def _png_with_text(png: bytes, items: dict[str, str]) -> bytes:
    """Insert UTF-8 ``iTXt`` chunks (PNG keywords Title, Description, Source) before ``IEND``."""
    end = png.rfind(b"IEND") - 4
    if end < 8:
        return png
    chunks = b""
    for key, text in items.items():
        if not text:
            continue
        data = key.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8")
        body = b"iTXt" + data
        chunks += struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    return png[:end] + chunks + png[end:]


def save_chart(chart: Any, path: str | Path, *, scale: float = 2.0) -> Path:
    """Save a chart as PNG, SVG or PDF, offline, with its text set in Lato.

    vl-convert renders without a browser; external data URLs are refused (charts carry their
    data inline). The text description (:func:`describe`) goes into the SVG's ``aria-label``,
    ``<title>`` and ``<desc>``, and into the PNG's ``Title``/``Description`` text chunks.
    Lato (the UNHCR guideline font, from the ``font-lato`` package) is registered first, so
    text never silently falls back to another font.

    Parameters
    ----------
    chart : altair chart
    path : str or Path
        ``.png``, ``.svg`` or ``.pdf``.
    scale : float
        PNG pixel density (2 = sharp on high-resolution screens and in print).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ExportError
        Unsupported suffix.
    ImportError
        vl-convert or font-lato missing (``pip install "burdenshare[charts]"``).
    """
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise ExportError(f"cannot save a chart as {p.name}: use one of {', '.join(CHART_SUFFIXES)}")
    register_fonts()
    spec = chart.to_dict()
    kw: dict[str, Any] = {"vl_version": vl_version_for_vl_convert(), "allowed_base_urls": []}
    p.parent.mkdir(parents=True, exist_ok=True)
    title, desc = _title_text(spec), str(spec.get("description", "") or "")
    if suffix == ".svg":
        p.write_text(_accessible_svg(vlc.vegalite_to_svg(spec, **kw), title, desc), encoding="utf-8")
    elif suffix == ".png":
        png = vlc.vegalite_to_png(spec, scale=scale, **kw)
        p.write_bytes(_png_with_text(png, {"Title": title, "Description": desc,
                                           "Software": "burdenshare via vl-convert"}))
    else:
        p.write_bytes(vlc.vegalite_to_pdf(spec, **kw))
    return p
