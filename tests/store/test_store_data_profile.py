"""The data profile stored with a run (revision 0005), on SQLite and PostgreSQL; runs from 0004 stay readable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command
from store_samples import T0, outcome, provenance

from auditkit.data.profile import (
    BaseRate,
    BaseRates,
    ColumnProfile,
    DataProfile,
    GroupDistribution,
    GroupSummary,
    Share,
)
from auditkit.errors import StoreError
from auditkit.results import GateDecision, RunState
from auditkit.store import Store, open_store, resolve_url
from auditkit.store.migrate import alembic_config, head_revision
from auditkit.store.tables import metadata

PROFILE = DataProfile(
    n_rows=2000, label="default", favourable_label="0", confidence=0.95,
    columns=(
        ColumnProfile("income_k", "feature", "numeric", 2000, 0.0, unit="kEUR", minimum=8.5, maximum=212.25,
                      by_group=(GroupDistribution("sex", (GroupSummary("female", 1034, mean=41.5, median=39.0),
                                                          GroupSummary("male", 966, mean=47.25, median=44.0))),)),
        ColumnProfile("sex", "protected", "categorical", 2000, 0.0,
                      categories=(Share("female", 0.517), Share("male", 0.483)), n_categories=2),
    ),
    base_rates=(BaseRates("sex", (BaseRate("female", 1034, 693, 693 / 1034, 0.6412, 0.6986),
                                  BaseRate("male", 966, 645, 645 / 966, 0.6374, 0.6967))),),
)


def test_profile_round_trips_with_the_run(begin: Callable[..., str], store: Store) -> None:
    run_id = begin(data_profile=PROFILE.to_json())
    store.finish_run(run_id, state=RunState.COMPLETE, gate=GateDecision.PASS, finished_at=T0 + dt.timedelta(1))
    run = store.get_run(run_id)
    assert run.data_profile == PROFILE.to_json()
    assert DataProfile.from_json(run.data_profile) == PROFILE
    assert store.latest_for("retail-credit-scorer").data_profile == PROFILE.to_json()


def test_run_without_profile_reads_none(begin: Callable[..., str], store: Store) -> None:
    assert store.get_run(begin()).data_profile is None


def test_profile_is_per_run_not_per_data_set(begin: Callable[..., str], store: Store) -> None:
    """Two runs on the same file (same fingerprint) under different policies keep their own profiles."""
    other = DataProfile(**{**PROFILE.__dict__, "confidence": 0.9})
    first, second = begin(data_profile=PROFILE.to_json()), begin(data_profile=other.to_json())
    assert DataProfile.from_json(store.get_run(first).data_profile).confidence == 0.95
    assert DataProfile.from_json(store.get_run(second).data_profile).confidence == 0.9


def test_profile_that_is_not_plain_json_is_refused(begin: Callable[..., str]) -> None:
    with pytest.raises(StoreError, match="data profile is not plain JSON"):
        begin(data_profile={"version": 1, "n_rows": float("nan")})


def test_upgrade_from_0004_keeps_old_runs_readable_without_a_profile(db_url: str) -> None:
    url = resolve_url(db_url)
    command.upgrade(alembic_config(url), "0004")
    p = provenance()
    t = metadata.tables
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a run as the 0004 store wrote it: no data_profile column exists yet
        ids = {
            "system_id": conn.execute(t["systems"].insert().values(**p["system"])).inserted_primary_key[0],
            "model_id": conn.execute(t["models"].insert().values(**p["model"])).inserted_primary_key[0],
            "dataset_id": conn.execute(t["datasets"].insert().values(**p["dataset"])).inserted_primary_key[0],
            "policy_row_id": conn.execute(t["policies"].insert().values(
                policy_id="credit-scoring-eu", version="3", sha256="a" * 64, text="x",
                effective_from=dt.date(2026, 11, 1), approved_by="Head of Model Risk")).inserted_primary_key[0],
        }
        conn.execute(sa.text(
            "INSERT INTO runs (run_id, system_id, model_id, dataset_id, policy_row_id, system_version, seed, device, "
            "environment, \"trigger\", state, gate, started_at, finished_at) VALUES (:run_id, :system_id, :model_id, "
            ":dataset_id, :policy_row_id, '2.4.0', 7, 'cpu', :env, 'manual', 'complete', 'PASS', :t0, :t1)"),
            {"run_id": "run0004old", **ids, "env": '{"python": "3.11"}', "t0": T0,
             "t1": T0 + dt.timedelta(minutes=2)})
    engine.dispose()

    with open_store(db_url) as store:  # applies 0005
        assert store.current_revision() == head_revision() == "0006"
        old = store.get_run("run0004old")
        assert old.data_profile is None and old.state is RunState.COMPLETE and old.environment == {"python": "3.11"}
        fresh = store.begin_run(**p, started_at=T0, data_profile=PROFILE.to_json())
        store.save_outcome(fresh, outcome())
        assert DataProfile.from_json(store.get_run(fresh).data_profile) == PROFILE


def test_downgrade_to_0004_drops_the_column(db_url: str) -> None:
    url = resolve_url(db_url)
    command.upgrade(alembic_config(url), "head")
    command.downgrade(alembic_config(url), "0004")
    engine = sa.create_engine(url)
    try:
        assert "data_profile" not in {c["name"] for c in sa.inspect(engine).get_columns("runs")}
    finally:
        engine.dispose()
