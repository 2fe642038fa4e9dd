"""Fixtures of the report tests; the runs themselves are built in :mod:`report_samples`."""

from __future__ import annotations

import pytest
from report_samples import make_hostile_run, make_previous, make_run

from auditkit.results import RunRecord


@pytest.fixture
def run() -> RunRecord:
    return make_run()


@pytest.fixture
def previous() -> RunRecord:
    return make_previous()


@pytest.fixture
def hostile_run() -> RunRecord:
    return make_hostile_run()
