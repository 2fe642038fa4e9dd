"""The PDF/A-3b evidence files: test log, manifest, optional Ed25519 signature, and signing-key errors."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from report_samples import make_run

from auditkit.report import render_report
from auditkit.report.attachments import build_attachments, execution_log_jsonl, manifest_json
from auditkit.report.renderer import PDF_TOOLCHAIN, renderer
from auditkit.report.signing import (
    SigningKeyError,
    decode_signature,
    load_public_key,
    load_signing_key,
    parse_public_key,
    signature_valid,
)

FOUR = ["manifest.json", "policy.yaml", "results.json", "test-log.jsonl"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_key(path, key, *, fmt=serialization.PrivateFormat.PKCS8, password: bytes | None = None):
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, encryption))
    return path


@pytest.fixture(scope="module")
def rendered():
    return render_report(make_run(), report_id="AR-2026-0042", version=3)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    return _write_key(tmp_path_factory.mktemp("keys") / "signer.pem", Ed25519PrivateKey.generate())


@pytest.fixture(scope="module")
def signed(key_file):
    return render_report(make_run(), report_id="AR-2026-0042", version=3, signer=load_signing_key(key_file).sign)


def _files(pdf: bytes) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in PdfReader(io.BytesIO(pdf)).attachments.items()}


def test_test_log_has_one_json_line_per_check():
    run = make_run()
    lines = execution_log_jsonl(run).decode("utf-8").splitlines()
    assert len(lines) == len(run.outcomes)
    first = json.loads(lines[0])
    assert set(first) == {"id", "kind", "version", "fingerprint", "params", "seed", "started_at", "duration_s",
                          "status", "severity", "error"}
    outcome = run.outcomes[0]
    assert (first["id"], first["kind"], first["seed"], first["status"]) == (
        outcome.check_id, outcome.kind, outcome.seed, outcome.status.value)
    assert first["started_at"] == outcome.started_at.isoformat()
    assert first["params"] == dict(outcome.params)
    errors = [json.loads(line)["error"] for line in lines]
    assert errors == [o.error for o in run.outcomes]


def test_annex_c_lists_the_three_evidence_files_with_their_hashes(rendered):
    names = [a.name for a in build_attachments(make_run())]
    assert names == ["results.json", "policy.yaml", "test-log.jsonl"]
    html = rendered.html.decode("utf-8").replace("<wbr>", "")  # file names may break after their dot
    for a in build_attachments(make_run()):
        assert a.name in html and a.sha256 in html


def test_pdf_declares_pdf_a_3b(rendered):
    xmp = PdfReader(io.BytesIO(rendered.pdf)).xmp_metadata
    assert xmp is not None
    assert xmp.get_nodes_in_namespace("", "http://www.aiim.org/pdfa/ns/id/")  # the pdfaid namespace is present
    raw = xmp.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in raw or "<pdfaid:part>3</pdfaid:part>" in raw
    assert 'pdfaid:conformance="B"' in raw or "<pdfaid:conformance>B</pdfaid:conformance>" in raw


def test_four_attachments_with_the_hashes_in_the_manifest(rendered):
    files = _files(rendered.pdf)
    assert sorted(files) == FOUR
    manifest = json.loads(files["manifest.json"])
    run = make_run()
    listed = {e["name"]: e for e in manifest["attachments"]}
    assert sorted(listed) == ["policy.yaml", "results.json", "test-log.jsonl"]
    for name, entry in listed.items():
        assert entry["sha256"] == _sha(files[name]) and entry["size"] == len(files[name])
    assert files["test-log.jsonl"] == execution_log_jsonl(run)
    assert manifest["html"]["sha256"] == rendered.html_sha256
    assert manifest["report"] == {"id": "AR-2026-0042", "version": 3, "run_id": run.run_id,
                                  "generator": manifest["report"]["generator"], "language": "en"}
    # what rendered it, so that `auditkit verify` can say why a re-rendering elsewhere may differ
    assert manifest["renderer"] == renderer() and set(PDF_TOOLCHAIN) <= set(manifest["renderer"])
    assert manifest["model"]["sha256"] == run.model_fingerprint and "state dict" in manifest["model"]["hash_of"]
    assert manifest["dataset"]["sha256"] == run.dataset_fingerprint
    assert "raw bytes" in manifest["dataset"]["hash_of"]
    assert manifest["policy"]["sha256"] == run.policy_sha256
    embedded = PdfReader(io.BytesIO(rendered.pdf)).attachment_list
    relationships = {ef.name: ef.associated_file_relationship for ef in embedded}
    assert relationships == {"results.json": "/Data", "policy.yaml": "/Source", "test-log.jsonl": "/Supplement",
                             "manifest.json": "/Supplement"}


def test_manifest_is_a_pure_function_of_run_and_html():
    run = make_run()
    files = build_attachments(run)
    one = manifest_json(run, report_id="R-v1", version=1, html=b"<html>", files=files, generator="auditkit x")
    assert one == manifest_json(run, report_id="R-v1", version=1, html=b"<html>", files=files, generator="auditkit x")
    other = manifest_json(run, report_id="R-v1", version=1, html=b"<html> ", files=files, generator="auditkit x")
    assert json.loads(one)["html"]["sha256"] != json.loads(other)["html"]["sha256"]


def test_second_render_is_byte_identical(rendered):
    again = render_report(make_run(), report_id="AR-2026-0042", version=3)
    assert again.pdf == rendered.pdf


def test_signed_pdf_carries_a_valid_signature_of_the_manifest(signed, key_file):
    files = _files(signed.pdf)
    assert sorted(files) == sorted([*FOUR, "manifest.pub.pem", "manifest.sig"])
    key = parse_public_key(files["manifest.pub.pem"])
    assert files["manifest.pub.pem"].startswith(b"-----BEGIN PUBLIC KEY-----")
    signature = decode_signature(files["manifest.sig"])
    assert base64.b64decode(files["manifest.sig"]) == signature and len(signature) == 64
    assert signature_valid(key, signature, files["manifest.json"])
    assert not signature_valid(key, signature, files["manifest.json"] + b" ")
    trusted = load_public_key(key_file)
    assert signature_valid(trusted, signature, files["manifest.json"])


def test_signing_is_deterministic(key_file):
    key = load_signing_key(key_file)
    assert key.sign(b"manifest").signature == key.sign(b"manifest").signature


def test_openssh_private_keys_are_accepted(tmp_path):
    path = _write_key(tmp_path / "id_ed25519", Ed25519PrivateKey.generate(), fmt=serialization.PrivateFormat.OpenSSH)
    assert len(load_signing_key(path).fingerprint) == 64


@pytest.mark.parametrize("case", ["missing", "directory", "garbage", "rsa", "encrypted"])
def test_bad_signing_key_files_give_a_clear_error(tmp_path, case):
    path = tmp_path / "key.pem"
    if case == "directory":
        path.mkdir()
    elif case == "garbage":
        path.write_text("not a key\n")
    elif case == "rsa":
        _write_key(path, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    elif case == "encrypted":
        _write_key(path, Ed25519PrivateKey.generate(), password=b"secret")
    with pytest.raises(SigningKeyError) as info:
        load_signing_key(path)
    message = str(info.value)
    assert str(path) in message
    expected = {"missing": "does not exist", "directory": "is a directory", "garbage": "no readable private key",
                "rsa": "not Ed25519", "encrypted": "encrypted"}[case]
    assert expected in message
    assert info.value.exit_code == 2


def test_openssl_generated_key_loads(tmp_path):
    """The documented way to make a key (`openssl genpkey -algorithm ed25519`) gives a usable key file."""
    path = tmp_path / "key.pem"
    try:
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(path)], check=True,
                       capture_output=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make an Ed25519 key here: {exc}")
    key = load_signing_key(path)
    assert signature_valid(key.key.public_key(), key.sign(b"m").signature, b"m")
