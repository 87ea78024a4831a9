"""Hypothesis settings for the property tests (STYLE.md §3.4).

``deadline=None``: hypothesis' per-example deadline is a timed assertion, which the house rules
forbid. ``derandomize=True`` and ``database=None``: the same examples on every run and machine.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, database=None, max_examples=60,
                          print_blob=True)
settings.load_profile("ci")
