"""Altair chart builders: pure functions from results and comparisons to charts.

Every chart has a title "What | period", a subtitle with the unit, a "Source: …" footer with
the data sources, their licences and the provenance (burdenshare version, estimator and
version, data fingerprint), a text description for screen readers (:func:`describe`), and the
UNHCR palette (:data:`PALETTE`) and font (Lato). Builders pass Altair only the rows they draw,
as inline data, so no chart raises ``MaxRowsError``. :func:`save_chart` writes PNG, SVG or PDF
offline through vl-convert with Lato registered.

altair is imported inside each function (``import burdenshare`` stays light).
"""

from __future__ import annotations

from ._builders import (
    CONTRIBUTION_PAIRS,
    comparison_chart,
    comparison_ranks_chart,
    contributions_chart,
    lorenz_chart,
    lorenz_points,
    rank_agreement_chart,
    ranking_chart,
    time_series_chart,
)
from ._save import CHART_SUFFIXES, describe, save_chart
from ._style import FONT, NAVY, PALETTE, SEQUENTIAL_BLUE, Palette, font_directory, register_fonts
from .econometrics import (
    EVENT_TIME_QUANTITIES,
    coefficient_chart,
    event_study_chart,
    result_chart,
    synthetic_control_chart,
)
from .multiverse import attribution_chart, specification_curve_chart

__all__ = [
    "CHART_SUFFIXES", "CONTRIBUTION_PAIRS", "FONT", "NAVY", "PALETTE", "SEQUENTIAL_BLUE", "Palette",
    "comparison_chart", "comparison_ranks_chart", "contributions_chart", "describe",
    "font_directory", "lorenz_chart", "lorenz_points", "rank_agreement_chart", "ranking_chart",
    "register_fonts", "save_chart", "time_series_chart", "attribution_chart",
    "specification_curve_chart", "EVENT_TIME_QUANTITIES", "coefficient_chart",
    "event_study_chart", "result_chart", "synthetic_control_chart",
]
