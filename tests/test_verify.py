"""``auditkit verify``: an untouched report verifies; a changed attachment, a re-saved PDF, a forged
signature or a wrong signing key are each named; usage mistakes exit 2 without a traceback."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter
from stored_audit import StoredAudit, private_copy, store_perf_audit
from typer.testing import CliRunner

from auditkit import api
from auditkit.cli import app
from auditkit.report.signing import load_signing_key
from auditkit.store import open_store
from auditkit.verify import verify_pdf


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> StoredAudit:
    return store_perf_audit(tmp_path_factory.mktemp("verify"))


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    """An Ed25519 signing key in a PEM file."""
    path = tmp_path_factory.mktemp("key") / "signer.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


@pytest.fixture
def db(stored, tmp_path) -> str:
    """A private copy of the stored database, so a test may change it."""
    return private_copy(stored, tmp_path)


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: object):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def _rewrite(pdf: bytes, *, attachment: str | None = None, new_content: bytes | None = None,
             metadata: dict[str, str] | None = None) -> bytes:
    """Rewrite the PDF with pypdf, replacing one embedded file's bytes and/or the document info."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if attachment is not None:
        targets = [ef for ef in writer.attachment_list if ef.name == attachment]
        assert len(targets) == 1, attachment
        targets[0].content = new_content
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _embedded(pdf: bytes, name: str) -> bytes:
    return PdfReader(io.BytesIO(pdf)).attachments[name][0]


def _one_byte_changed(data: bytes) -> bytes:
    """``data`` with the first digit of the first seed changed (still valid JSON, one byte different)."""
    at = data.index(b'"seed": ') + len(b'"seed": ')
    changed = bytearray(data)
    changed[at] = ord("8") if data[at] == ord("9") else ord("9")
    return bytes(changed)


def test_an_untouched_report_verifies_with_and_without_the_database(stored, db, tmp_path, cli):
    path = tmp_path / "report.pdf"
    path.write_bytes(stored.pdf)
    alone = verify_pdf(path)
    assert alone.ok, [str(f) for f in alone.problems]
    assert alone.run_id == stored.run_id and alone.version == 1 and not alone.signed
    with open_store(db) as store:
        full = verify_pdf(path, store=store)
    assert full.ok, [str(f) for f in full.problems]
    subjects = {f.subject for f in full.findings}
    assert {"attachment results.json", "attachment policy.yaml", "attachment test-log.jsonl",
            "attachment manifest.json"} <= subjects
    assert any("PDF bytes equal stored version 1" in f.message for f in full.findings)
    result = cli("verify", path, "--db", db)
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "MISMATCH" not in result.output


def test_one_changed_byte_in_an_attachment_is_named(stored, db, tmp_path, cli):
    original = _embedded(stored.pdf, "results.json")
    path = tmp_path / "tampered.pdf"
    path.write_bytes(_rewrite(stored.pdf, attachment="results.json", new_content=_one_byte_changed(original)))
    result = verify_pdf(path)
    assert not result.ok
    problem = result.problems[0]
    assert problem.subject == "attachment results.json" and "SHA-256 differs from the manifest" in problem.message
    # the changed evidence no longer renders to the pages the PDF shows: the seed printed in the test log differs
    content = {f.subject: f for f in result.problems}
    assert "page content HTML" in content and not content["page content"].inconclusive
    assert "text differs on" in content["page content"].message
    manifest = json.loads(_embedded(stored.pdf, "manifest.json"))
    assert problem.expected == next(e["sha256"] for e in manifest["attachments"] if e["name"] == "results.json")
    with open_store(db) as store:
        full = verify_pdf(path, store=store)
    messages = [str(f) for f in full.problems]
    assert any("PDF bytes differ from stored version 1" in m for m in messages), messages
    assert any(m.startswith("attachment results.json: differs from the stored run") and "outcome perf" in m
               for m in messages), messages
    out = cli("verify", path)
    assert out.exit_code == 1
    assert "MISMATCH attachment results.json: SHA-256 differs from the manifest" in out.output


def test_a_resaved_pdf_no_longer_matches_its_own_evidence_nor_the_stored_version(stored, db, tmp_path, cli):
    path = tmp_path / "resaved.pdf"
    path.write_bytes(_rewrite(stored.pdf, metadata={"/Title": "Audit (edited)", "/Subject": "changed"}))
    # the attachments are untouched, but the PDF is no longer the one its evidence renders to
    [alone] = verify_pdf(path).problems
    assert alone.subject == "page content" and "the text of every page is the same, but the bytes are not" in \
        alone.message and not alone.inconclusive
    with open_store(db) as store:
        full = verify_pdf(path, store=store)
    problem = next(f for f in full.problems if f.subject.startswith("stored report "))
    assert "PDF bytes differ from stored version 1" in problem.message
    assert problem.found != problem.expected
    out = cli("verify", path, "--db", db)
    assert out.exit_code == 1 and "PDF bytes differ" in out.output


def test_signed_report_verifies_and_a_wrong_key_or_forged_signature_is_named(stored, key_file, db, tmp_path, cli):
    out_dir = tmp_path / "out"
    result = cli("report", stored.run_id[:10], "--db", db, "--out", out_dir, "--sign-key", key_file)
    assert result.exit_code == 0, result.output
    assert "stored new version v2 signed" in result.output
    again = cli("report", stored.run_id[:10], "--db", db, "--out", out_dir, "--sign-key", key_file)
    assert again.exit_code == 0 and "already" in again.output  # no third version for the same key
    with open_store(db) as store:
        v2 = store.get_report(stored.run_id)
        assert v2.version == 2
        rerendered = api.rerender(store, stored.run_id, version=2)  # without the private key
    assert rerendered.html_matches and rerendered.pdf_matches
    path = out_dir / f"{v2.report_id}.pdf"
    assert path.read_bytes() == v2.pdf
    key = load_signing_key(key_file)
    ok = verify_pdf(path)
    assert ok.ok and ok.signed and ok.key_fingerprint == key.fingerprint
    public = tmp_path / "trusted.pub.pem"
    public.write_bytes(key.public_key_pem)
    assert cli("verify", path, "--db", db, "--public-key", public).exit_code == 0

    other = Ed25519PrivateKey.generate()
    other_pub = tmp_path / "other.pub.pem"
    other_pub.write_bytes(other.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    wrong_key = cli("verify", path, "--public-key", other_pub)
    assert wrong_key.exit_code == 1 and "signing key: is not the trusted key" in wrong_key.output

    forged_sig = base64.b64encode(other.sign(_embedded(v2.pdf, "manifest.json"))) + b"\n"
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_rewrite(v2.pdf, attachment="manifest.sig", new_content=forged_sig))
    bad = verify_pdf(forged)
    assert [f.subject for f in bad.problems] == ["signature", "page content"]  # and pypdf re-saved the file
    assert "not a valid signature" in bad.problems[0].message


def test_an_unsigned_report_fails_when_a_trusted_key_is_required(stored, key_file, tmp_path, cli):
    path = tmp_path / "report.pdf"
    path.write_bytes(stored.pdf)
    public = tmp_path / "trusted.pub.pem"
    public.write_bytes(load_signing_key(key_file).public_key_pem)
    result = cli("verify", path, "--public-key", public)
    assert result.exit_code == 1 and "the report is not signed" in result.output


def test_a_pdf_without_manifest_is_a_mismatch(tmp_path, cli):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "plain.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    result = cli("verify", path)
    assert result.exit_code == 1
    assert "manifest.json: not embedded" in result.output


@pytest.mark.parametrize("case", ["missing", "not-a-pdf", "directory"])
def test_usage_mistakes_exit_2_without_traceback(tmp_path, cli, case):
    path = tmp_path / "report.pdf"
    if case == "not-a-pdf":
        path.write_text("<html>not a pdf</html>")
    elif case == "directory":
        path.mkdir()
    result = cli("verify", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    expected = {"missing": "does not exist", "not-a-pdf": "is not a PDF", "directory": "is a directory"}[case]
    assert expected in result.output


def test_bad_sign_key_file_exits_2(stored, db, tmp_path, cli):
    garbage = tmp_path / "key.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    for key in (tmp_path / "absent.pem", garbage):
        result = cli("report", stored.run_id[:10], "--db", db, "--out", tmp_path / "o", "--sign-key", key)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert str(key) in result.output
    with open_store(db) as store:
        assert store.get_report(stored.run_id).version == 1  # nothing stored


def test_an_edited_outcome_is_named_by_verify_db_report_gate_and_signoff(stored, db, tmp_path, cli):
    """The manifest carries the run digest; one SQL UPDATE of an outcome fails every command that reads it."""
    import sqlite3

    manifest = json.loads(_embedded(stored.pdf, "manifest.json"))
    with open_store(db) as store:
        assert manifest["run_digest"]["sha256"] == store.get_run(stored.run_id).digest is not None
    assert cli("report", stored.run_id[:10], "--db", db, "--out", tmp_path / "clean").exit_code == 0
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE check_outcomes SET summary = 'all groups fine' WHERE check_id = 'perf'")
    path = tmp_path / "report.pdf"
    path.write_bytes(stored.pdf)

    verified = cli("verify", path, "--db", db)
    assert verified.exit_code == 1, verified.output
    assert "database check 'perf'" in verified.stdout and "manifest run_digest" in verified.stdout

    report = cli("report", stored.run_id[:10], "--db", db, "--out", tmp_path / "after")
    assert report.exit_code == 1, report.output
    assert "tampered:" in report.stderr and "check 'perf'" in report.stderr
    assert "html_sha256" in report.stderr and "no longer say what the issued report says" in report.stderr

    gate = cli("gate", stored.run_id[:10], "--db", db)
    assert gate.exit_code == 1 and "no longer matches its digests" in gate.stderr

    signoff = cli("signoff", stored.run_id[:10], "--db", db, "--by", "Dana Kim", "--role", "reviewer",
                  "--decision", "reject", "--out", tmp_path / "signed")
    assert signoff.exit_code == 1, signoff.output
    assert "refusing to store a new report version" in signoff.stderr
    with open_store(db) as store:
        assert [r.version for r in store.list_reports(store.get_run(stored.run_id).system_name)] == [1]
        assert store.list_signoffs(stored.run_id) == []
