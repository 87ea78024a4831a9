"""Shared fixtures. Data are the embedded real samples, or synthetic frames named synthetic_*."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

import burdenshare as bs

SYNTHETIC = bs.Source(id="synthetic_test", title="synthetic test data", publisher="burdenshare tests")


@pytest.fixture(scope="session")
def sample_data() -> bs.Dataset:
    """All embedded samples (real data)."""
    return bs.load_sample()


@pytest.fixture(scope="session")
def recent_data(sample_data: bs.Dataset) -> bs.Dataset:
    """The embedded samples, 2014-2024."""
    return sample_data.select(years=(2014, 2024))


def synthetic_frame(rows: list[tuple]) -> pd.DataFrame:
    """Build an observation frame from (iso3, year, indicator, value) tuples."""
    from burdenshare.indicators import VOCABULARY

    return pd.DataFrame(
        [
            {"iso3": i, "year": y, "indicator": ind, "value": v, "unit": VOCABULARY[ind].unit,
             "source": "synthetic_test"}
            for i, y, ind, v in rows
        ]
    )


def synthetic_dataset(rows: list[tuple]) -> bs.Dataset:
    return bs.Dataset.from_frame(synthetic_frame(rows), {"synthetic_test": SYNTHETIC})


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network: any attempt to connect outside this machine fails."""
    real = socket.socket.connect

    def guarded(self, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        local = ("127.0.0.1", "localhost", "::1")
        if isinstance(host, str) and host not in local and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
