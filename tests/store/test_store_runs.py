"""Run life cycle: begin, save outcomes, finish, read back, list; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from store_samples import POLICY_TEXT, T0, outcome, provenance

from auditkit.errors import StoreError
from auditkit.results import GateDecision, Measurement, RunState, Status
from auditkit.store import Store, open_store

Begin = Callable[..., str]


def _finish(store: Store, run_id: str, *, minutes: int = 5, state: RunState = RunState.COMPLETE) -> None:
    store.finish_run(run_id, state=state, gate=GateDecision.PASS, finished_at=T0 + dt.timedelta(minutes=minutes))


def test_run_round_trips_every_field(store: Store) -> None:
    cest = dt.timezone(dt.timedelta(hours=2))
    run_id = store.begin_run(**provenance(), started_at=T0.astimezone(cest), trigger="ci")
    first = outcome("selection-parity")
    second = outcome(
        "sex-not-used",
        kind="prohibited_feature_use",
        status=Status.ERROR,
        measurements=(
            Measurement(name="flip_rate", value=0.0, ci_low=0.0, ci_high=float("inf"), threshold=0.01, comparator="<="),
        ),
        details={},
        started_at=None,
        error="the adapter has no gradients",
    )
    store.save_outcome(run_id, first)
    store.save_outcome(run_id, second)
    finished = T0 + dt.timedelta(minutes=3, microseconds=7)
    store.finish_run(run_id, state=RunState.COMPLETE, gate=GateDecision.INCONCLUSIVE, finished_at=finished)

    run = store.get_run(run_id)
    assert run.outcomes == (first, second)
    assert (run.run_id, run.system_name, run.system_version) == (run_id, "retail-credit-scorer", "2.4.0")
    assert (run.policy_id, run.policy_version, run.policy_sha256) == ("credit-scoring-eu", "3", "a" * 64)
    assert (run.policy_text, run.policy_effective_from) == (POLICY_TEXT, dt.date(2026, 11, 1))
    assert (run.model_fingerprint, run.dataset_fingerprint) == ("m" * 64, "d" * 64)
    assert run.model_ref == {"type": "torch", "factory": "samples.credit.model:load"}
    assert run.dataset_ref == {"path": "data/holdout.parquet", "rows": 2000}
    assert run.environment == provenance()["environment"]
    assert (run.seed, run.device, run.trigger) == (7, "cpu", "ci")
    assert (run.state, run.gate, run.error) == (RunState.COMPLETE, GateDecision.INCONCLUSIVE, None)
    assert run.started_at == T0 and run.finished_at == finished
    for stamp in (run.started_at, run.finished_at, run.outcomes[0].started_at):
        assert stamp.utcoffset() == dt.timedelta(0)
    assert run.outcomes[0].started_at == first.started_at
    assert isinstance(run.outcomes[0].status, Status)
    assert run.outcomes[0].details["big"] == 2**53 + 1
    assert run.outcomes[0].details["groups"][1]["rate"] == 1e-300


def test_failed_run_keeps_its_error(store: Store, begin: Begin) -> None:
    run_id = begin()
    store.finish_run(run_id, state=RunState.FAILED, gate=None, finished_at=T0, error="interrupted")
    run = store.get_run(run_id)
    assert (run.state, run.gate, run.error) == (RunState.FAILED, None, "interrupted")


def test_finished_run_is_never_modified(store: Store, begin: Begin) -> None:
    run_id = begin()
    store.save_outcome(run_id, outcome("a"))
    _finish(store, run_id)
    with pytest.raises(StoreError, match="a finished run is never modified"):
        store.save_outcome(run_id, outcome("b"))
    with pytest.raises(StoreError, match="already complete"):
        store.finish_run(run_id, state=RunState.FAILED, gate=None, finished_at=T0, error="late")
    run = store.get_run(run_id)
    assert [o.check_id for o in run.outcomes] == ["a"] and run.state is RunState.COMPLETE


def test_finish_needs_a_final_state(store: Store, begin: Begin) -> None:
    with pytest.raises(StoreError, match="final state"):
        store.finish_run(begin(), state=RunState.RUNNING, gate=None, finished_at=T0)


def test_duplicate_check_id_is_refused(store: Store, begin: Begin) -> None:
    run_id = begin()
    original = outcome("parity")
    store.save_outcome(run_id, original)
    with pytest.raises(StoreError, match="already has an outcome for check 'parity'"):
        store.save_outcome(run_id, outcome("parity", summary="again"))
    assert store.get_run(run_id).outcomes == (original,)


def test_crashed_run_keeps_its_outcomes_and_stays_running(db_url: str) -> None:
    with open_store(db_url) as store:
        run_id = store.begin_run(**provenance(), started_at=T0)
        store.save_outcome(run_id, outcome("one"))
        store.save_outcome(run_id, outcome("two"))
    # the process dies here: finish_run is never called
    with open_store(db_url) as store:
        run = store.get_run(run_id)
        assert run.state is RunState.RUNNING and run.finished_at is None and run.gate is None
        assert [o.check_id for o in run.outcomes] == ["one", "two"]
        assert store.latest_for("retail-credit-scorer") is None


def test_outcome_with_non_json_details_is_refused(store: Store, begin: Begin) -> None:
    run_id = begin()
    with pytest.raises(StoreError, match="details of check 'x' is not plain JSON"):
        store.save_outcome(run_id, outcome("x", details={"rate": float("nan")}))
    with pytest.raises(StoreError, match="not plain JSON"):
        store.save_outcome(run_id, outcome("x", params={"when": dt.date(2026, 1, 1)}))
    assert store.get_run(run_id).outcomes == ()


def test_naive_datetimes_are_refused(store: Store, begin: Begin) -> None:
    with pytest.raises(StoreError, match="started_at must be a timezone-aware datetime"):
        store.begin_run(**provenance(), started_at=dt.datetime(2026, 1, 1))
    run_id = begin()
    with pytest.raises(StoreError, match="timezone-aware"):
        store.save_outcome(run_id, outcome(started_at=dt.datetime(2026, 1, 1)))
    with pytest.raises(StoreError, match="finished_at must be a timezone-aware"):
        store.finish_run(run_id, state=RunState.COMPLETE, gate=None, finished_at=dt.datetime(2026, 1, 1))


def test_missing_provenance_keys_are_named(store: Store) -> None:
    kwargs = provenance()
    del kwargs["model"]["fingerprint"]
    with pytest.raises(StoreError, match="model is missing fingerprint"):
        store.begin_run(**kwargs, started_at=T0)


def test_explicit_run_id_must_be_new(store: Store, begin: Begin) -> None:
    assert begin(run_id="nightly-0001") == "nightly-0001"
    with pytest.raises(StoreError, match="already exists"):
        begin(run_id="nightly-0001")


def test_runs_share_system_model_dataset_and_policy_rows(store: Store, begin: Begin) -> None:
    begin()
    begin(started_at=T0 + dt.timedelta(hours=1))
    with store._engine.connect() as conn:
        counts = {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("systems", "models", "datasets", "policies", "runs")
        }
    assert counts == {"systems": 1, "models": 1, "datasets": 1, "policies": 1, "runs": 2}


def test_run_is_found_by_unique_prefix(store: Store, begin: Begin) -> None:
    run_id = begin()
    assert store.get_run(run_id[:6]).run_id == run_id
    assert store.get_run(f"  {run_id[:10]} ").run_id == run_id
    with pytest.raises(StoreError, match="at least 6 characters"):
        store.get_run(run_id[:5])
    with pytest.raises(StoreError, match="auditkit runs"):
        store.get_run("ffffffffffff-unknown")


def test_ambiguous_prefix_lists_the_matches(store: Store, begin: Begin) -> None:
    begin(run_id="abcdef01")
    begin(run_id="abcdef02")
    with pytest.raises(StoreError, match="ambiguous") as info:
        store.get_run("abcdef")
    assert "abcdef01" in str(info.value) and "abcdef02" in str(info.value)
    assert store.get_run("abcdef02").run_id == "abcdef02"


def test_prefix_is_not_a_pattern(store: Store, begin: Begin) -> None:
    begin(run_id="abc_def_1")
    with pytest.raises(StoreError, match="no run"):
        store.get_run("abc%de")


def test_list_runs_newest_first_with_filter_and_limit(store: Store, begin: Begin) -> None:
    hour = dt.timedelta(hours=1)
    old = begin("credit", started_at=T0)
    other = begin("hiring", started_at=T0 + hour)
    new = begin("credit", started_at=T0 + 2 * hour, trigger="schedule")
    store.save_outcome(new, outcome("a"))
    store.save_outcome(new, outcome("b"))
    _finish(store, new)

    assert [r.run_id for r in store.list_runs()] == [new, other, old]
    assert [r.run_id for r in store.list_runs(system="credit")] == [new, old]
    assert [r.run_id for r in store.list_runs(limit=1)] == [new]
    assert store.list_runs(system="no-such-system") == []
    top = store.list_runs()[0]
    assert (top.system_name, top.n_outcomes, top.state, top.gate) == ("credit", 2, RunState.COMPLETE, GateDecision.PASS)
    assert (top.policy_id, top.policy_version, top.trigger) == ("credit-scoring-eu", "3", "schedule")
    assert top.started_at == T0 + 2 * hour
    assert store.list_runs()[1].n_outcomes == 0
    with pytest.raises(StoreError, match="limit"):
        store.list_runs(limit=0)


def test_latest_for_returns_the_latest_complete_run(store: Store, begin: Begin) -> None:
    hour = dt.timedelta(hours=1)
    first = begin("credit", started_at=T0)
    _finish(store, first)
    second = begin("credit", started_at=T0 + hour)
    store.save_outcome(second, outcome("a"))
    _finish(store, second)
    failed = begin("credit", started_at=T0 + 2 * hour)
    _finish(store, failed, state=RunState.FAILED)
    running = begin("credit", started_at=T0 + 3 * hour)
    hiring = begin("hiring", started_at=T0 + 4 * hour)
    _finish(store, hiring)

    latest = store.latest_for("credit")
    assert latest is not None and latest.run_id == second
    assert [o.check_id for o in latest.outcomes] == ["a"]
    previous = store.latest_for("credit", before=second)
    assert previous is not None and previous.run_id == first
    assert store.latest_for("credit", before=first) is None
    assert store.latest_for("credit", before=running[:8]).run_id == second
    assert store.latest_for("unknown") is None
