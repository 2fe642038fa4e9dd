"""Plan and executor: the run is a serialisable plan, and tasks run anywhere give the same outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

import auditkit
from auditkit import runner
from auditkit.adapters import load_adapter, resolve_device
from auditkit.checks import CheckContext, check_fingerprint, registry
from auditkit.data import load_data
from auditkit.executor import LocalExecutor, outcome_from_json, outcome_to_json, run_task
from auditkit.plan import Plan, build_plan
from auditkit.policy import load_policy
from auditkit.results import Status
from auditkit.store import open_store

REPO = Path(__file__).resolve().parents[1]
PERF = {"id": "perf", "kind": "performance", "thresholds": {"accuracy": {"min": 0.1}}}
PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"]}
CF = {"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex", "severity": "major"}


@pytest.mark.parametrize("path", sorted((REPO / "policies").glob("*.yaml"))
                         + sorted((REPO / "samples").glob("*/policy*.yaml")), ids=lambda p: p.name)
def test_every_shipped_policy_plans_to_json_and_back(path):
    """Each task's JSON parameters rebuild the same validated parameters: same fingerprint, nothing lost."""
    loaded = load_policy(path)
    plan = build_plan(loaded, loaded.policy.checks, model_fingerprint="m" * 64, data_fingerprint="d" * 64)
    again = Plan.from_json(plan.to_json())
    assert again == plan and again.to_json() == plan.to_json()
    assert [t.check_id for t in plan.tasks] == [c.id for c in loaded.policy.checks]
    for task, spec in zip(plan.tasks, loaded.policy.checks, strict=True):
        cls = registry.get(task.kind)
        rebuilt = task.params_model()
        assert rebuilt == (loaded.check_params.get(spec.id) or cls.Params.model_validate(spec.params))
        assert check_fingerprint(task.kind, cls.version, rebuilt) == task.fingerprint


def test_a_plan_of_another_schema_is_refused():
    with pytest.raises(ValueError, match="schema"):
        Plan.from_json('{"schema": 99, "tasks": []}')


class IsolatedExecutor:
    """Runs each task as another process would: from the plan's JSON, in a fresh context, result as JSON.

    Nothing passes from the runner to a task but the task's JSON and a newly built context over the same policy,
    model file and data file (its own adapter, data and cache), so any hidden in-process dependency of a check
    would change its outcome.
    """

    def __init__(self, policy_path: Path) -> None:
        self.policy_path = policy_path

    def execute(self, plan, *, started, finished):
        wire = Plan.from_json(plan.to_json())
        loaded = load_policy(self.policy_path)
        for task in wire.tasks:
            started(task)
            data = load_data(loaded.policy.data, loaded.policy.protected_attributes, base_dir=loaded.base_dir,
                             task="tabular")
            adapter = load_adapter(loaded.policy.model, base_dir=loaded.base_dir, device=resolve_device("cpu"),
                                   feature_names=list(loaded.policy.data.features))
            ctx = CheckContext(adapter=adapter, data=data, policy=loaded.policy, base_dir=loaded.base_dir)
            outcome = run_task(task, ctx, strict=True, clock=_clock)
            finished(task, outcome_from_json(outcome_to_json(outcome)))


def _clock():
    import datetime as dt

    return dt.datetime(2026, 12, 5, tzinfo=dt.UTC)


def test_tasks_run_in_isolation_give_the_local_executors_outcomes(analytic, tmp_path):
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF, PARITY, CF], n_per_group=400)
    loaded = load_policy(policy)
    with open_store(f"sqlite:///{tmp_path / 'local.db'}") as store:
        local = runner.execute(loaded, store=store, device="cpu", clock=_clock)
    with open_store(f"sqlite:///{tmp_path / 'isolated.db'}") as store:
        isolated = runner.execute(loaded, store=store, device="cpu", clock=_clock,
                                           executor=IsolatedExecutor(policy))
    assert [o.status for o in local.outcomes] == [o.status for o in isolated.outcomes]
    assert local.gate == isolated.gate
    for a, b in zip(local.outcomes, isolated.outcomes, strict=True):
        assert (a.check_id, a.fingerprint, a.seed, a.summary) == (b.check_id, b.fingerprint, b.seed, b.summary)
        assert a.measurements == b.measurements
        assert a.details == b.details


def test_local_executor_reports_each_task_before_and_after_it_runs(analytic, tmp_path):
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF, PARITY], n_per_group=200)
    loaded = load_policy(policy)
    data = load_data(loaded.policy.data, loaded.policy.protected_attributes, base_dir=loaded.base_dir,
                     task="tabular")
    adapter = load_adapter(loaded.policy.model, base_dir=loaded.base_dir, device=resolve_device("cpu"),
                   feature_names=list(loaded.policy.data.features))
    ctx = CheckContext(adapter=adapter, data=data, policy=loaded.policy, base_dir=loaded.base_dir)
    plan = build_plan(loaded, loaded.policy.checks, model_fingerprint=adapter.fingerprint,
                      data_fingerprint=data.fingerprint)
    events = []
    LocalExecutor(ctx, clock=_clock).execute(
        plan, started=lambda t: events.append(("start", t.check_id)),
        finished=lambda t, o: events.append(("done", t.check_id, o.status)))
    assert events == [("start", "perf"), ("done", "perf", Status.PASS),
                      ("start", "parity"), ("done", "parity", Status.FAIL)]


def test_outcome_json_round_trip_keeps_every_field(analytic, tmp_path):
    policy = analytic({"female": 0.3, "male": 0.6}, [PERF, PARITY], n_per_group=200)
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        run = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    for outcome in run.outcomes:
        assert outcome_from_json(outcome_to_json(outcome)) == outcome
