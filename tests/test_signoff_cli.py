"""``auditkit signoff``: hash-chained sign-offs, a new report version per sign-off, earlier versions
unchanged, and ``auditkit verify --db`` naming a sign-off row changed in the database."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from auditkit import api
from auditkit.cli import app
from auditkit.store import open_store
from auditkit.store.engine import make_engine, resolve_url
from auditkit.store.signoffs import GENESIS_SHA256, signoff_sha256
from auditkit.store.tables import SignoffRow

PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"selection_rate": {"min": 0.2}}}


def _cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _audit(analytic, db_url: str, **kwargs) -> str:
    policy = analytic({"female": 0.5, "male": 0.5}, [PERF], n_per_group=60)
    with open_store(db_url) as store:
        return api.run_audit(policy, store=store, device="cpu", **kwargs).run_id


def test_signoffs_chain_and_make_new_versions_while_old_ones_stay(analytic, db_url, tmp_path):
    run_id = _audit(analytic, db_url)
    with open_store(db_url) as store:
        v1 = store.get_report(run_id)
    out = tmp_path / "out"
    first = _cli("signoff", run_id[:10], "--by", "Ada Lovelace", "--role", "reviewer", "--decision", "approve",
                 "--function", "Head of Model Risk", "--comment", "Thresholds reviewed.", "--out", out,
                 "--db", db_url)
    assert first.exit_code == 0, first.output
    second = _cli("signoff", run_id[:10], "--by", "Grace Hopper", "--role", "approver", "--decision", "REJECT",
                  "--out", out, "--db", db_url)
    assert second.exit_code == 0, second.output

    with open_store(db_url) as store:
        reports = [r for r in store.list_reports(v1.system_name) if r.run_id == run_id]
        signoffs = store.list_signoffs(run_id)
        rerendered_v1 = api.rerender(store, run_id, version=1)
    assert [r.version for r in reports] == [1, 2, 3]
    stored_v1, v2, v3 = reports
    assert (stored_v1.html, stored_v1.pdf) == (v1.html, v1.pdf)  # byte-for-byte unchanged
    assert rerendered_v1.html_matches and rerendered_v1.pdf_matches  # and still reproducible
    a, b = signoffs
    assert (a["name"], a["function"], a["role"], a["decision"], a["comment"]) == (
        "Ada Lovelace", "Head of Model Risk", "reviewer", "approve", "Thresholds reviewed.")
    assert (b["name"], b["function"], b["decision"], b["comment"]) == ("Grace Hopper", "not stated", "reject", None)
    assert a["report_sha256"] == v1.pdf_sha256 and a["report_id"] == v1.report_id  # signed the latest version
    assert b["report_sha256"] == v2.pdf_sha256 and b["report_id"] == v2.report_id
    assert a["prev_sha256"] == GENESIS_SHA256 and b["prev_sha256"] == a["record_sha256"]
    assert all(signoff_sha256(s) == s["record_sha256"] for s in signoffs)
    assert a["signed_at"].utcoffset().total_seconds() == 0
    assert b"Ada Lovelace" not in v1.html
    assert b"Ada Lovelace" in v2.html and b"Grace Hopper" not in v2.html
    assert b"Ada Lovelace" in v3.html and b"Grace Hopper" in v3.html and a["record_sha256"].encode() in v3.html
    assert (out / f"{v3.report_id}.pdf").read_bytes() == v3.pdf
    assert f"record sha256 {b['record_sha256']}" in second.output

    verified = _cli("verify", out / f"{v3.report_id}.pdf", "--db", db_url)
    assert verified.exit_code == 0, verified.output
    assert "sign-off #2 (Grace Hopper, approver, reject): record hash recomputes" in verified.output

    engine = make_engine(resolve_url(db_url))
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(SignoffRow).where(SignoffRow.record_sha256 == a["record_sha256"])
                               .values(decision="reject"))
    finally:
        engine.dispose()
    tampered = _cli("verify", out / f"{v3.report_id}.pdf", "--db", db_url)
    assert tampered.exit_code == 1
    assert ("MISMATCH sign-off #1 (Ada Lovelace, reviewer, reject): record_sha256 does not match the record's fields"
            in tampered.output)
    assert f"expected {a['record_sha256']}" in tampered.output
    assert "sign-off #2 (Grace Hopper, approver, reject): record hash recomputes" in tampered.output


def test_signoff_with_a_key_stores_a_signed_version(analytic, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    run_id = _audit(analytic, db_url)
    key = tmp_path / "key.pem"
    key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    result = CliRunner(env={"AUDITKIT_SIGNING_KEY": str(key)}).invoke(
        app, ["signoff", run_id, "--by", "Ada", "--role", "approver", "--decision", "approve",
              "--out", str(tmp_path / "out"), "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "signed with Ed25519 key" in result.output
    with open_store(db_url) as store:
        v2 = store.get_report(run_id)
    verified = _cli("verify", tmp_path / "out" / f"{v2.report_id}.pdf", "--db", db_url)
    assert verified.exit_code == 0, verified.output
    assert "signature: valid Ed25519 signature" in verified.output


def test_signoff_mistakes_exit_2_and_record_nothing(analytic, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    run_id = _audit(analytic, db_url, report=False)
    base = ("signoff", run_id, "--by", "Ada", "--role", "approver", "--db", db_url, "--out", tmp_path / "o")
    no_report = _cli(*base, "--decision", "approve")
    assert no_report.exit_code == 2 and "has no stored report to sign" in no_report.output
    with open_store(db_url) as store:
        api.render_and_store(store, run_id)
    cases = {
        ("--decision", "maybe"): "decision 'maybe' is not known; expected one of approve, reject",
        ("--decision", "approve", "--sign-key", tmp_path / "absent.pem"): "does not exist",
    }
    for extra, message in cases.items():
        result = _cli(*base, *extra)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
    blank = _cli("signoff", run_id, "--by", " ", "--role", "approver", "--decision", "approve", "--db", db_url)
    assert blank.exit_code == 2 and "non-empty" in blank.output
    with open_store(db_url) as store:
        assert store.list_signoffs(run_id) == []
        assert store.get_report(run_id).version == 1


PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.1}}}


def test_approving_a_failed_gate_needs_a_role_the_policy_allows_to_override(analytic, tmp_path):
    """The opinion page names who may override a blocker (gate.override_roles); the sign-off enforces the same."""
    for roles, allowed in (([], ()), (["approver"], ("approver",))):
        db_url = f"sqlite:///{tmp_path / f'o{len(roles)}.db'}"
        policy = analytic({"female": 0.2, "male": 0.8}, [PARITY], n_per_group=200,
                          gate={"override_roles": roles})
        with open_store(db_url) as store:
            run = api.run_audit(policy, store=store, device="cpu")
        assert run.gate.value == "FAIL"
        html = open_store(db_url).get_report(run.run_id).html.decode()
        assert ("Only a sign-off in the role approver may" in html) == bool(allowed)
        base = ("signoff", run.run_id, "--by", "Ada", "--db", db_url, "--out", tmp_path / "o")
        refused = _cli(*base, "--role", "reviewer", "--decision", "approve")
        assert refused.exit_code != 0 and "would override a blocking finding" in refused.output
        assert _cli(*base, "--role", "reviewer", "--decision", "reject").exit_code == 0  # rejecting is always open
        approved = _cli(*base, "--role", "approver", "--decision", "approve")
        assert (approved.exit_code == 0) == bool(allowed), approved.output
