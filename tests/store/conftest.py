"""Fixtures for the store tests: an opened store per backend and a run starter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from store_samples import T0, provenance

from auditkit.store import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on a fresh database (SQLite file, then PostgreSQL)."""
    with open_store(db_url) as opened:
        yield opened


@pytest.fixture
def begin(store: Store) -> Callable[..., str]:
    """Start a run of ``system`` at ``started_at`` (default T0); return its id."""

    def start(system: str = "retail-credit-scorer", *, started_at: dt.datetime = T0, **extra: Any) -> str:
        return store.begin_run(**provenance(system), started_at=started_at, **extra)

    return start
