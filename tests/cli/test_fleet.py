"""``auditkit fleet``: real audits of the credit sample, several at a time on one SQLite file.

The sample is built once per module and its policies are cut down to two cheap checks (accuracy, the blocker
``sex-selection-parity``; 200 bootstrap draws; HTML only), which keep their known answers: the proxy model
FAILS the gate, the fair model PASSES. A third policy's model factory kills its own process (SIGKILL, as the
OOM killer would): a crashed worker that must not stop the others.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from auditkit import api
from auditkit.demo import prepare_sample
from auditkit.fleet import EXIT_ORDER, worst_exit_code
from auditkit.junit import combined_xml, unrun_xml
from auditkit.results import RunState

SYSTEM = "retail-credit-scorer"
CRASH_FACTORY = "import os, signal\n\n\ndef build(**options):\n    os.kill(os.getpid(), signal.SIGKILL)\n"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The credit sample's folder (data, models, policies, factory), prepared once for the module."""
    policies = prepare_sample("credit", tmp_path_factory.mktemp("fleet-credit"))
    folder = policies[0].parent
    (folder / "crash.py").write_text(CRASH_FACTORY)
    return folder


def small_policy(sample: Path, dest: Path, source: str, *, policy_id: str, system: str = SYSTEM,
                 factory: str | None = None) -> Path:
    """A cheap copy of the sample policy ``source`` written to ``dest`` with absolute paths (any folder works)."""
    doc = yaml.safe_load((sample / source).read_text())
    doc["policy"]["id"] = policy_id
    doc["system"]["name"] = system
    doc["checks"] = [c for c in doc["checks"] if c["id"] in ("accuracy", "sex-selection-parity")]
    doc["statistics"]["bootstrap"] = 200
    doc["report"]["formats"] = ["html"]
    doc["model"]["factory"] = str(sample / (factory or "sample.py:build"))
    doc["model"]["weights"] = str(sample / doc["model"]["weights"])
    doc["data"]["path"] = str(sample / doc["data"]["path"])
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest


def test_a_fleet_runs_concurrently_on_sqlite_and_exits_with_the_worst_code(cli, sample, tmp_path):
    fleet_dir = tmp_path / "fleet"
    small_policy(sample, fleet_dir / "credit" / "proxy.yaml", "policy.yaml", policy_id="credit-proxy")
    fair = small_policy(sample, fleet_dir / "credit" / "fair.yaml", "policy-fair.yaml", policy_id="credit-fair")
    small_policy(sample, fleet_dir / "credit" / "fair-2.yaml", "policy-fair.yaml", policy_id="credit-fair-2")
    # the same system and policy id as proxy.yaml: it must start after proxy.yaml ended, never beside it
    small_policy(sample, fleet_dir / "crash.yaml", "policy.yaml", policy_id="credit-proxy", factory="crash.py:build")
    fleet = fleet_dir / "fleet.yaml"
    fleet.write_text("policies:\n  - credit/proxy.yaml\n  - {path: credit/fair.yaml, device: cpu}\n"
                     "  - {path: credit/fair-2.yaml, compare_to: latest}\n  - crash.yaml\n")
    url, junit = f"sqlite:///{tmp_path / 'fleet.db'}", tmp_path / "ci" / "fleet.xml"
    with api.open_store(url) as store:  # an earlier run of the system, so compare_to: latest has a baseline
        before = api.run_audit(fair, store=store, device="cpu", report=False).run_id

    result = cli("fleet", fleet, "--jobs", 3, "--db", url, "--out", tmp_path / "reports", "--device", "cpu",
                 "--junit", junit, "--json", "--trigger", "schedule")

    assert result.exit_code == 4, result.output  # the crash is the worst: 4 > 130 > 2 > 3 > 1 > 0
    assert "Traceback" not in result.output
    summaries = json.loads(result.stdout)  # --json: stdout is the JSON list alone (the table goes to stderr)
    assert [s["policy_file"] for s in summaries] == ["credit/proxy.yaml", "credit/fair.yaml", "credit/fair-2.yaml",
                                                     "crash.yaml"]
    assert [(s["gate"], s["exit_code"]) for s in summaries] == [("FAIL", 1), ("PASS", 0), ("PASS", 0), (None, 4)]
    assert "killed by signal 9 (SIGKILL)" in summaries[3]["error"] and summaries[3]["run_id"] is None
    assert {c["id"]: c["status"] for c in summaries[0]["checks"]}["sex-selection-parity"] == "FAIL"
    assert "policy file" in result.stderr and "policy file" not in result.stdout  # --json: the table on stderr
    progress = result.stderr
    assert progress.index("finished credit/proxy.yaml") < progress.index("started  crash.yaml")
    assert progress.index("started  credit/fair-2.yaml") < progress.index("finished credit/proxy.yaml")

    with api.open_store(url, readonly=True) as store:
        runs = [store.get_run(s["run_id"]) for s in summaries[:3]]
        reports = store.list_reports(SYSTEM)
    assert all(r.state is RunState.COMPLETE and r.trigger == "schedule" for r in runs)
    # compare_to: latest compared it with the system's latest complete run before it
    assert summaries[2]["comparison"]["baseline_run_id"] in {before, summaries[0]["run_id"], summaries[1]["run_id"]}
    assert summaries[0]["comparison"] is None
    versions = sorted(r.version for r in reports)
    assert versions == [1, 2, 3]  # three audits of one system wrote at once: unique, gapless versions
    assert sorted(s["report_version"] for s in summaries[:3]) == versions
    assert all(Path(s["reports"][0]).is_file() for s in summaries[:3]) and summaries[3]["reports"] == []

    root = ET.parse(junit).getroot()
    suites = root.findall("testsuite")
    assert [s.get("id") for s in suites] == ["0", "1", "2", "3"]
    run_ids = [{p.get("name"): p.get("value") for p in s.iter("property")}.get("run_id") for s in suites]
    assert run_ids == [s["run_id"] for s in summaries]
    assert root.get("errors") == "1" and root.get("failures") == "1"  # the crash; parity of the proxy model
    assert suites[3].find("testcase/error").get("type") == "no-run"


def test_a_directory_fleet_goes_on_when_one_audit_finds_its_lock_held(cli, sample, tmp_path):
    folder = tmp_path / "policies"
    small_policy(sample, folder / "a-proxy.yaml", "policy.yaml", policy_id="dir-proxy")
    small_policy(sample, folder / "b-fair.yml", "policy-fair.yaml", policy_id="dir-fair")
    (folder / ".hidden.yaml").write_text("not: a policy\n")  # hidden files are not part of the fleet
    url = f"sqlite:///{tmp_path / 'dir.db'}"
    with api.open_store(url) as store, store.run_lock(SYSTEM, "dir-fair"):  # a run outside the fleet
        result = cli("fleet", folder, "--jobs", 2, "--db", url, "--no-report", "--device", "cpu")

    assert result.exit_code == 2, result.output  # the refused audit (2) is worse than the failed gate (1)
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip().startswith(("a-", "b-"))}
    assert list(lines) == ["a-proxy.yaml", "b-fair.yml"]
    assert "FAIL" in lines["a-proxy.yaml"] and " 1 " in lines["a-proxy.yaml"]
    assert "none" in lines["b-fair.yml"] and " 2 " in lines["b-fair.yml"]
    assert "another audit of system 'retail-credit-scorer' under policy 'dir-fair' is running" in result.stderr


def test_a_malformed_fleet_file_names_the_yaml_path_and_the_fix(cli, tmp_path):
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("policies:\n  - a.yaml\n  - path: b.yaml\n    devise: cpu\n  - {path: c.yaml, device: gpu}\n")
    result = cli("fleet", fleet, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(fleet) in result.stderr and "2 problems in the fleet file" in result.stderr
    assert "policies[1].devise (line 4): unknown key; remove it or check its spelling" in result.stderr
    assert "policies[2].device (line 5): must be auto, cpu, cuda or cuda:N, got 'gpu'" in result.stderr
    assert not (tmp_path / "x.db").exists()

    fleet.write_text("policies: []\n")
    assert "policies (line 1): needs at least 1 item(s)" in cli("fleet", fleet).stderr


def test_a_policy_given_as_the_fleet_is_named_as_such(cli, sample, tmp_path):
    policy = small_policy(sample, tmp_path / "p.yaml", "policy.yaml", policy_id="x")
    result = cli("fleet", policy)
    assert result.exit_code == 2 and "this is a policy file, not a fleet file" in result.stderr
    assert f"auditkit run {policy}" in result.stderr


def test_every_invalid_policy_is_reported_and_nothing_runs(cli, sample, tmp_path):
    folder = tmp_path / "policies"
    small_policy(sample, folder / "good.yaml", "policy.yaml", policy_id="good")
    bad = yaml.safe_load((folder / "good.yaml").read_text())
    bad["checks"][1]["thresholds"]["demographic_parity_ratio"]["min"] = 5
    (folder / "bad.yaml").write_text(yaml.safe_dump(bad))
    (folder / "values.yaml").write_text("replicas: 3\n")  # not a policy: named, not skipped
    db = tmp_path / "never.db"
    result = cli("fleet", folder, "--db", f"sqlite:///{db}", "--jobs", 2)
    assert result.exit_code == 2 and "Traceback" not in result.output
    err = result.stderr
    assert "2 problems in the fleet's policies (every *.yaml/*.yml file of a fleet directory must be" in err
    assert "bad.yaml: " in err and "demographic_parity_ratio.min" in err
    assert "values.yaml: " in err and "replicas (line 1): unknown key" in err
    assert "good.yaml:" not in err and "nothing was run" in err
    assert not db.exists()  # nothing ran, nothing was created


def test_a_device_the_machine_lacks_is_refused_before_any_audit(cli, sample, tmp_path):
    small_policy(sample, tmp_path / "p.yaml", "policy.yaml", policy_id="p")
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("policies:\n  - {path: p.yaml, device: 'cuda:99'}\n")  # no machine has 100 GPUs
    db = tmp_path / "never.db"
    result = cli("fleet", fleet, "--db", f"sqlite:///{db}")
    assert result.exit_code == 2 and "device 'cuda:99' was requested" in result.stderr
    assert not db.exists()


def test_the_exit_code_order_puts_decisions_before_their_absence():
    assert EXIT_ORDER == (0, 1, 3, 2, 130, 4)
    assert worst_exit_code([0, 0]) == 0 and worst_exit_code([0, 1]) == 1 and worst_exit_code([1, 3, 0]) == 3
    assert worst_exit_code([3, 2, 1]) == 2 and worst_exit_code([2, 4]) == 4 and worst_exit_code([0, 99]) == 4
    assert worst_exit_code([130, 2]) == 130 and worst_exit_code([]) == 0


def test_combined_junit_keeps_each_suite_and_sums_the_counts():
    one = unrun_xml("s / p v1", "lock held", 2)
    two = unrun_xml("t / q v2", "data missing\nsecond line", 2)
    root = ET.fromstring(combined_xml([one, two]))
    assert [s.get("name") for s in root.findall("testsuite")] == ["s / p v1", "t / q v2"]
    assert [s.get("id") for s in root.findall("testsuite")] == ["0", "1"]
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("2", "2", "0")
    error = root.findall("testsuite")[1].find("testcase/error")
    assert error.get("message") == "data missing" and error.text == "data missing\nsecond line"


LLM_POLICY = Path(__file__).resolve().parents[2] / "samples" / "llm-screening" / "policy-blind.yaml"


def test_precision_reaches_the_decoder_audits_only_and_an_entry_overrides_it(sample, tmp_path):
    """``fleet --precision`` applies to huggingface-causal entries; a credit MLP runs at its stored precision."""
    from auditkit.fleet import load_fleet, make_jobs, plan_fleet

    small_policy(sample, tmp_path / "credit.yaml", "policy.yaml", policy_id="credit")
    (tmp_path / "llm.yaml").write_text(LLM_POLICY.read_text())
    (tmp_path / "llm-2.yaml").write_text(LLM_POLICY.read_text().replace("id: llm-screening-eu", "id: llm-2"))
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("policies:\n  - credit.yaml\n  - llm.yaml\n  - {path: llm-2.yaml, precision: fp16}\n")
    planned = plan_fleet(load_fleet(fleet), api.load_policy)
    jobs = {j.label: j.precision for j in make_jobs(planned, db_url="sqlite://", precision="bf16")}
    assert jobs == {"credit.yaml": None, "llm.yaml": "bf16", "llm-2.yaml": "fp16"}
    assert {j.label: j.precision for j in make_jobs(planned, db_url="sqlite://")}["llm.yaml"] is None


def test_a_precision_on_a_model_without_one_is_refused_before_any_audit(cli, sample, tmp_path):
    small_policy(sample, tmp_path / "credit.yaml", "policy.yaml", policy_id="credit")
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("policies:\n  - {path: credit.yaml, precision: bf16}\n")
    db = tmp_path / "never.db"
    result = cli("fleet", fleet, "--db", f"sqlite:///{db}")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "precision: bf16 applies to huggingface-causal models" in result.stderr
    assert "remove precision from this entry" in result.stderr and not db.exists()
    fleet.write_text("policies:\n  - {path: credit.yaml, precision: fp8}\n")
    result = cli("fleet", fleet, "--db", f"sqlite:///{db}")
    assert result.exit_code == 2 and "precision" in result.stderr and "fp8" in result.stderr
