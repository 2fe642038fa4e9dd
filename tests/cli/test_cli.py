"""The CLI: gate exit codes, friendly errors, listing, showing, re-rendering and the JSON summary."""

from __future__ import annotations

import json

import yaml

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.1}}}
INFO_PARITY = {**PARITY, "id": "info-parity", "severity": "info"}


def _gate(cli, policy, tmp_path, *extra):
    return cli("run", policy, "--gate", "--no-report", "--device", "cpu", *extra)


def test_exit_0_when_the_gate_passes(cli, analytic, tmp_path):
    result = _gate(cli, analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=2000), tmp_path)
    assert result.exit_code == 0, result.output
    assert "gate: PASS" in result.output


def test_exit_1_when_a_blocker_fails(cli, analytic, tmp_path):
    result = _gate(cli, analytic({"female": 0.2, "male": 0.6}, [PARITY], n_per_group=1000), tmp_path)
    assert result.exit_code == 1
    assert "gate: FAIL" in result.output


def test_a_failing_non_blocker_does_not_stop_the_gate(cli, analytic, tmp_path):
    checks = [INFO_PARITY]
    checks.append({**PARITY, "id": "ok", "thresholds": {"demographic_parity_difference": {"max": 0.9}}})
    result = _gate(cli, analytic({"female": 0.2, "male": 0.6}, checks, n_per_group=1000), tmp_path)
    assert result.exit_code == 0, result.output


def test_exit_2_for_a_malformed_policy_without_traceback(cli, analytic, tmp_path):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    doc = yaml.safe_load(policy.read_text())
    doc["checks"][0]["thresholds"]["demographic_parity_difference"]["max"] = 5
    policy.write_text(yaml.safe_dump(doc))
    result = _gate(cli, policy, tmp_path)
    assert result.exit_code == 2
    assert "checks[0].thresholds.demographic_parity_difference.max" in result.output
    assert "must be between 0 and 1, got 5" in result.output
    assert "Traceback" not in result.output


def test_exit_2_for_a_missing_column_listing_the_columns_found(cli, analytic, tmp_path):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    doc = yaml.safe_load(policy.read_text())
    doc["data"]["label"] = "outcome"
    policy.write_text(yaml.safe_dump(doc))
    result = _gate(cli, policy, tmp_path)
    assert result.exit_code == 2
    assert "'outcome'" in result.output and "noise" in result.output and "Traceback" not in result.output


def test_exit_3_when_a_blocker_is_inconclusive(cli, analytic, tmp_path):
    result = _gate(cli, analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=40), tmp_path)
    assert result.exit_code == 3
    assert "gate: INCONCLUSIVE" in result.output


def test_inconclusive_passes_when_the_policy_says_so(cli, analytic, tmp_path):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=40, gate={"inconclusive": "pass"})
    assert _gate(cli, policy, tmp_path).exit_code == 0


def test_exit_3_when_a_blocker_errors(cli, analytic, tmp_path):
    # the model returns NaN for part of the data: the check cannot be computed -> ERROR, not PASS
    model = {"type": "torch", "factory": "step.py:build", "options": {"nan_above": 0.7}}
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY], model=model)
    result = _gate(cli, policy, tmp_path)
    assert result.exit_code == 3, result.output
    assert "ERROR" in result.output and "gate: ERROR" in result.output


def test_json_summary_and_stored_run_commands(cli, analytic, tmp_path):
    policy = analytic({"female": 0.2, "male": 0.6}, [PARITY], n_per_group=1000)
    result = cli("run", policy, "--json", "--out", tmp_path / "reports", "--device", "cpu")
    assert result.exit_code == 0  # without --gate the run itself succeeded
    summary = json.loads(result.stdout)
    assert summary["gate"] == "FAIL" and summary["exit_code"] == 1
    assert summary["checks"][0]["status"] == "FAIL"
    run_id = summary["run_id"]
    assert sorted(p.suffix for p in (tmp_path / "reports").iterdir()) == [".html", ".pdf"]

    assert cli("gate", run_id[:8]).exit_code == 1
    listing = cli("runs")
    assert run_id[:12] in listing.output and "FAIL" in listing.output
    shown = cli("show", run_id[:8])
    assert "demographic_parity_difference" in shown.output and "FAIL" in shown.output
    again = cli("report", run_id[:8], "--out", tmp_path / "again")
    assert again.exit_code == 0 and "identical to stored v1" in again.output
    assert (tmp_path / "again").joinpath(next((tmp_path / "reports").glob("*.html")).name).read_bytes() == \
        next((tmp_path / "reports").glob("*.html")).read_bytes()


def test_unknown_run_and_bad_database_are_friendly(cli, tmp_path):
    result = cli("show", "doesnotexist")
    assert result.exit_code == 2 and "Traceback" not in result.output
    bad = cli("runs", "--db", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert bad.exit_code == 2 and "secret" not in bad.output


def test_policy_validate_and_schema(cli, analytic):
    policy = analytic({"female": 0.5, "male": 0.5}, [PARITY])
    ok = cli("policy", "validate", policy)
    assert ok.exit_code == 0 and "ok" in ok.output
    schema = json.loads(cli("policy", "schema").stdout)
    assert schema["title"] == "Policy" and "checks" in schema["properties"]
    variants = {v["properties"]["kind"]["const"]: v for v in schema["$defs"]["CheckSpec"]["oneOf"]}
    assert {"performance", "group_fairness"} <= set(variants)
    assert "thresholds" in variants["group_fairness"]["properties"]


def test_policy_schema_validates_the_shipped_policies(cli):
    import jsonschema
    import yaml

    from auditkit.resources import resource_dir

    schema = json.loads(cli("policy", "schema").stdout)
    for path in resource_dir("policies").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        doc["policy"]["effective_from"] = str(doc["policy"]["effective_from"])  # YAML dates are strings in JSON
        jsonschema.validate(doc, schema)


def test_db_upgrade(cli, tmp_path):
    result = cli("db", "upgrade", "--db", f"sqlite:///{tmp_path / 'new.db'}")
    assert result.exit_code == 0 and "revision" in result.output


def test_main_maps_what_escapes_a_command_to_4_or_130_never_0_or_1(monkeypatch, tmp_path):
    import pytest

    from auditkit import cli as cli_module

    monkeypatch.setenv("AUDITKIT_ERROR_LOG_DIR", str(tmp_path))
    for raised, code in ((ValueError("outside any command"), 4), (KeyboardInterrupt(), 130)):
        def boom(raised=raised):
            raise raised

        monkeypatch.setattr(cli_module, "app", boom)
        with pytest.raises(SystemExit) as caught:
            cli_module.main()
        assert caught.value.code == code
    (log,) = tmp_path.glob("auditkit-error-*.log")
    assert "ValueError: outside any command" in log.read_text()
