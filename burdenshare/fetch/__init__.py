"""Publisher clients: fetch a new vintage of UNHCR, World Bank or OECD DAC data.

Nothing here runs at import or in tests against the network; fetching is only ever started by
``burdenshare data update SOURCE`` or an explicit call.
"""

from __future__ import annotations

from ._types import Fetched, Request

__all__ = ["Fetched", "Request"]
