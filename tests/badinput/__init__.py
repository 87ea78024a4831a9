"""The bad-input table: every class of bad or tricky input, how it is fed, the exit code and the
message it gets. Each ``cases_*.py`` module holds a ``CASES`` list of :class:`case.Case`; one
parametrised test runs them all, and ``python -m tests.badinput.generate`` writes
``methodology/errors.md`` from them (a test fails if the page is stale).
"""
