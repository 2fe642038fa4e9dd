"""``auditkit fleet --executor ray``: six audits on the two-node test cluster, each audit's process the driver.

Three policies of the credit sample's proxy model and three of its fair model (other policy ids, one system)
run two at a time; each audit's checks run in one model actor of one CPU, so the two audits running at once
occupy both nodes. The fleet must store one complete run and one report per policy with the right gates
(proxy FAIL, fair PASS), give the system's reports unique versions 1..6 in the one SQLite file the drivers
share (only drivers write it), and exit with the worst code (1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from credit_policy import prepare_sample
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.results import RunState
from auditkit.store import open_store

#: Cheap checks that still run the model on the workers: the shared pass, a counterfactual sweep with its refit.
CHECKS = [
    {"id": "accuracy", "kind": "performance", "severity": "major", "attributes": ["sex"],
     "thresholds": {"accuracy": {"min": 0.65}}},
    {"id": "sex-selection-parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
     "thresholds": {"demographic_parity_ratio": {"min": 0.8}}},
    {"id": "sex-counterfactual", "kind": "counterfactual_sweep", "severity": "major", "attribute": "sex",
     "draws": 2, "refit_resamples": 50},
]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fleet file listing 3 proxy-model and 3 fair-model policies of one system (6 policy ids)."""
    root = prepare_sample(tmp_path_factory.mktemp("credit-fleet"))
    entries = []
    for source, tag in (("policy.yaml", "proxy"), ("policy-fair.yaml", "fair")):
        for i in range(3):
            doc = yaml.safe_load((root / source).read_text(encoding="utf-8"))
            doc["policy"]["id"] = f"credit-{tag}-{i}"
            doc["statistics"]["bootstrap"] = 200
            doc["checks"] = CHECKS
            doc["report"]["formats"] = ["html"]
            name = f"fleet-{tag}-{i}.yaml"
            (root / name).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
            entries.append(name)
    path = root / "fleet.yaml"
    path.write_text(yaml.safe_dump({"policies": entries}), encoding="utf-8")
    return path


def test_a_fleet_of_six_on_ray_stores_six_runs_with_their_gates_and_unique_reports(ray_cluster, fleet: Path,
                                                                                    tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fleet.db'}"
    result = CliRunner().invoke(app, [
        "fleet", str(fleet), "--executor", "ray", "--ray-address", ray_cluster.address, "--ray-workers", "1",
        "--jobs", "2", "--db", db, "--out", str(tmp_path / "reports"), "--device", "cpu", "--json",
        "--junit", str(tmp_path / "fleet.xml")])
    assert result.exit_code == 1, result.output  # the worst of FAIL (proxy) and PASS (fair)
    summaries = json.loads(result.stdout)
    gates = {s["policy_file"]: (s["gate"], s["exit_code"]) for s in summaries}
    assert gates == {**{f"fleet-proxy-{i}.yaml": ("FAIL", 1) for i in range(3)},
                     **{f"fleet-fair-{i}.yaml": ("PASS", 0) for i in range(3)}}, result.output
    assert sorted(s["report_version"] for s in summaries) == [1, 2, 3, 4, 5, 6]
    with open_store(db) as store:
        runs = [store.get_run(r.run_id) for r in store.list_runs(system="retail-credit-scorer")]
    assert len(runs) == 6 and all(r.state is RunState.COMPLETE and len(r.outcomes) == 3 for r in runs)
    assert {r.outcome("sex-selection-parity").status.value for r in runs} == {"FAIL", "PASS"}
    assert (tmp_path / "fleet.xml").read_text(encoding="utf-8").count("<testsuite ") == 6


def test_a_fleet_on_ray_without_a_reachable_cluster_is_one_clear_error(fleet: Path, tmp_path: Path) -> None:
    """A wrong address is refused before any audit starts (one message, no database written)."""
    result = CliRunner().invoke(app, ["fleet", str(fleet), "--executor", "ray", "--ray-address", "127.0.0.1:1",
                                      "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2, result.output
    assert "cannot connect to the Ray cluster at 127.0.0.1:1" in result.output
    assert not (tmp_path / "none.db").exists()


def test_an_unknown_executor_is_refused_naming_both(fleet: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["fleet", str(fleet), "--executor", "dask",
                                      "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2 and "unknown executor 'dask'" in result.output and "--executor ray" in result.output
    assert not (tmp_path / "none.db").exists()
