"""StoredPolicy: the one tolerant reader of a run's stored policy text, used by the gate, the API and the report."""

from __future__ import annotations

import datetime as dt

import pytest

from auditkit import api, gate
from auditkit.errors import PolicyError
from auditkit.policy import StoredPolicy, parse_policy
from auditkit.report.view import build_view
from auditkit.results import GateDecision, RunRecord, RunState

#: A policy as an older release stored it: no schema_version, keys this release does not know in several
#: sections (system.owner, model.device, gate.notify, report.theme), a report format it does not render,
#: and the effective date written as text.
OLD_STYLE = """\
policy: {id: credit-scoring-eu, version: 2, effective_from: "2025-06-01", approved_by: Head of Model Risk}
system: {name: retail-credit-scorer, version: 1.0.0, owner: Model Risk}
model: {type: torch, factory: "samples.credit.model:load", device: cpu}
data: {path: data/holdout.parquet, label: default}
protected_attributes: [{name: sex, column: sex, values: [female, male], reference: male}]
checks:
  - {id: parity, kind: group_fairness, attributes: [sex], severity: blocker}
  - not-a-check
gate: {inconclusive: pass, fail_on_regression: true, notify: ops@example.com}
report: {formats: [docx, pdf], language: de, theme: dark}
"""


def _run(policy_text: str) -> RunRecord:
    """A complete stored run (no outcomes) made under ``policy_text``."""
    started = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    return RunRecord(
        run_id="run-old-0001", system_name="retail-credit-scorer", system_version="1.0.0",
        policy_id="credit-scoring-eu", policy_version="2", policy_sha256="ab" * 32, policy_text=policy_text,
        policy_effective_from=None, model_fingerprint="4e" * 32, model_ref={}, dataset_fingerprint="5f" * 32,
        dataset_ref={}, seed=7, device="cpu", environment={}, trigger="manual", state=RunState.COMPLETE,
        started_at=started, finished_at=started + dt.timedelta(minutes=1), gate=GateDecision.PASS,
    )


def test_old_style_policy_the_strict_loader_refuses_still_reads():
    with pytest.raises(PolicyError):  # what an older release stored no longer passes today's schema
        parse_policy(OLD_STYLE)
    stored = StoredPolicy.parse(OLD_STYLE)
    assert stored.readable
    assert (stored.gate.inconclusive, stored.gate.fail_on_regression) == ("pass", True)
    assert stored.report_formats == ("pdf",)  # docx is not rendered by this release
    assert stored.report_language == "de"
    assert stored.effective_from == dt.date(2025, 6, 1)
    assert [c["id"] for c in stored.checks] == ["parity"]  # the malformed entry is skipped
    assert stored.section("system")["owner"] == "Model Risk"  # sections stay as written
    assert stored.section("missing") == {} and stored.section("checks") == {}


def test_gate_api_and_report_read_an_old_stored_policy_the_same_way():
    run = _run(OLD_STYLE)
    spec = gate.gate_spec(run)
    assert (spec.inconclusive, spec.fail_on_regression) == ("pass", True)
    assert api.report_formats(run) == ("pdf",)
    view = build_view(run, report_id="AR-OLD-1", version=1)
    assert view.language == "de"
    # the effective date comes from the stored text when the run record has none
    assert view.policy_timing_ok and "01.06.2025" in view.policy_timing


def test_defaults_when_sections_are_absent():
    stored = StoredPolicy.parse("policy: {id: p, version: 1}\n")
    assert stored.gate.inconclusive == "fail" and stored.gate.fail_on_regression is False
    assert stored.report_formats == ("html", "pdf")
    assert stored.report_language is None and stored.effective_from is None
    assert StoredPolicy.parse("report: {formats: html}\n").report_formats == ("html",)


@pytest.mark.parametrize("text", ["::: not yaml: [", "- a\n- list\n", ""])
def test_unreadable_text_reads_empty_but_never_guesses_a_gate(text):
    stored = StoredPolicy.parse(text, source="policy of run r1")
    assert not stored.readable and stored.document == {} and stored.checks == ()
    assert stored.report_formats == ("html", "pdf") and stored.report_language is None
    with pytest.raises(PolicyError, match="policy of run r1"):
        stored.gate  # noqa: B018 - the property raises


def test_a_known_gate_key_with_an_unreadable_value_is_an_error_not_a_weaker_gate():
    stored = StoredPolicy.parse("gate: {fail_on_regression: sometimes}\n", source="policy of run r2")
    with pytest.raises(PolicyError) as info:
        stored.gate  # noqa: B018 - the property raises
    assert "gate.fail_on_regression" in str(info.value)
    with pytest.raises(PolicyError, match="expected a mapping"):
        StoredPolicy.parse("gate: [strict]\n").gate  # noqa: B018 - the property raises
