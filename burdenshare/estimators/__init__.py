"""The built-in estimators, one module per family.

:mod:`burdenshare.registry` lists them from the source of these modules (every class that sets
``name``) without importing any; ``burdenshare.registry.builtins()`` gives registry name ->
``module:Class``.
"""

from __future__ import annotations
