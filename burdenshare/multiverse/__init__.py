"""Decision grids ("multiverse"): run every defensible specification, attribute the spread.

Declare the choices behind a burden figure (who counts, the denominator, key weights,
utilisation scenarios, the data window, ...) as a :class:`Grid` (in Python or a TOML file read
by :func:`read_grid`), run every universe with :func:`run_multiverse` (serially or on Dask,
optionally streaming to Parquet), then see which choices move each country's figure and rank:
:func:`attribution`, :func:`drivers`, :func:`rank_distribution`, :func:`specification_curve`.
The method and its limits are in ``methodology/multiverse.md``.
"""

from .attribution import attribution, decompose, drivers
from .curve import CurveData, specification_curve
from .grid import (
    Choice,
    Constraint,
    Grid,
    GridError,
    Method,
    Universe,
    example_grid_path,
    grid_from_toml,
    read_grid,
)
from .ranks import interval_rank_bounds, rank_distribution, rank_table
from .run import Multiverse, open_multiverse, run_multiverse

__all__ = [
    "Choice",
    "Constraint",
    "CurveData",
    "Grid",
    "GridError",
    "Method",
    "Multiverse",
    "Universe",
    "attribution",
    "decompose",
    "drivers",
    "example_grid_path",
    "grid_from_toml",
    "interval_rank_bounds",
    "open_multiverse",
    "rank_distribution",
    "rank_table",
    "read_grid",
    "run_multiverse",
    "specification_curve",
]
