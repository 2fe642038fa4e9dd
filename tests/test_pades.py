"""PAdES signatures: B-B, B-T (a TSA on 127.0.0.1), B-LT; two approvers in turn; ``auditkit verify --trust``
naming an untrusted signer, bytes appended after signing and every sampled single-byte change; PDF/A-3b kept.

One report is rendered for the whole module; the PKI (root CA, signers, an untrusted CA, a TSA) is made here.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pades_pki import Pki, make_pki, tsa_server
from pypdf import PdfReader
from stored_audit import StoredAudit, private_copy, store_perf_audit
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.report.pades import pades_sign, pdfa_declaration
from auditkit.report.pades_keys import PASSPHRASE_ENV_VAR, load_pades_identity, load_trust_roots
from auditkit.report.pades_validate import validate_pades
from auditkit.report.signing import SigningKeyError
from auditkit.store import open_store
from auditkit.verify import VerifyError, verify_pdf


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> StoredAudit:
    return store_perf_audit(tmp_path_factory.mktemp("pades"))


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tsa(pki):
    with tsa_server(pki.tsa, pki.ca) as url:
        yield url


@pytest.fixture
def db(stored, tmp_path) -> str:
    return private_copy(stored, tmp_path)


def cli(*args: object, env: dict[str, str] | None = None):
    return CliRunner(env=env).invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def signed_blt(stored, pki, tsa, tmp_path_factory) -> Path:
    """The stored report signed by Ada with a timestamp and her chain: PAdES B-LT, via ``auditkit report``."""
    tmp = tmp_path_factory.mktemp("blt")
    copy = tmp / "audit.db"
    shutil.copyfile(stored.db_file, copy)
    out = tmp / "out"
    result = cli("report", stored.run_id[:10], "--db", f"sqlite:///{copy}", "--out", out,
                 "--sign-key", pki.ada_key, "--sign-cert", pki.ada_cert, "--tsa", tsa)
    assert result.exit_code == 0, result.output
    assert "PAdES B-LT signature auditkit-signature-1 by Ada Lovelace" in result.output
    assert (out / f"{stored.report_id}.pdf").read_bytes() == stored.pdf  # the stored version, unsigned
    return out / f"{stored.report_id}.signed.pdf"


def _dss_names(pdf: bytes) -> set[str]:
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    certs = [x509.load_der_x509_certificate(ref.get_object().get_data()) for ref in root["/DSS"]["/Certs"]]
    return {c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value for c in certs}


def test_report_signed_b_lt_validates_keeps_pdfa_and_matches_the_store(stored, pki, signed_blt, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = signed_blt.read_bytes()
    assert signed.startswith(stored.pdf) and len(signed) > len(stored.pdf)  # an envelope on the stored bytes
    result = validate_pades(signed, load_trust_roots([pki.root]))
    [sig] = result.signatures
    assert result.ok and result.unsigned_tail == 0 and result.signers == ("Ada Lovelace",)
    assert (sig.intact, sig.valid, sig.trusted, sig.timestamp_ok, sig.level) == (True, True, True, True, "B-LT")
    assert sig.coverage == "entire file" and sig.revision_end == len(signed) and not sig.structure_problems
    assert "by auditkit test TSA" in sig.timestamp_note and sig.timestamp is not None
    assert _dss_names(signed) == {"Ada Lovelace", "auditkit test root CA"}  # B-LT: the chain in the DSS

    # PDF/A-3b: the final revision's catalog still declares part 3, conformance B; metadata untouched
    assert pdfa_declaration(signed) == pdfa_declaration(stored.pdf) == ("3", "B")
    before, after = PdfReader(io.BytesIO(stored.pdf)), PdfReader(io.BytesIO(signed))
    assert after.root_object["/Metadata"].get_object().get_data() == \
        before.root_object["/Metadata"].get_object().get_data()
    assert dict(after.metadata) == dict(before.metadata)
    assert set(after.attachments) == set(before.attachments) and len(after.pages) == len(before.pages)
    widget = after.get_fields()["auditkit-signature-1"]
    assert widget["/FT"] == "/Sig" and "Ada Lovelace" in str(widget["/V"]["/Name"])
    reader = PdfFileReader(io.BytesIO(signed), strict=False)  # pyHanko reads every revision
    assert reader.xrefs.total_revisions == 2
    assert all(reader.get_historical_root(i)["/Type"] == "/Catalog" for i in range(2))

    verified = cli("verify", signed_blt, "--trust", pki.root, "--db", f"sqlite:///{stored.db_file}")
    assert verified.exit_code == 0, verified.output
    assert "PDF bytes equal stored version 1 plus 1 PAdES signature(s)" in verified.stdout
    assert "PAdES signature auditkit-signature-1 (Ada Lovelace): B-LT, intact and valid" in verified.stdout
    assert "PAdES-signed by Ada Lovelace" in verified.stderr
    unchecked = cli("verify", signed_blt)  # no --trust: visible, not a failure of integrity
    assert unchecked.exit_code == 0 and "chain not checked: no --trust roots given" in unchecked.stdout
    assert "TSA chain not checked" in unchecked.stdout


def test_b_b_and_b_t_levels_and_a_chain_without_root(stored, pki, tsa, tmp_path):
    leaf_only = tmp_path / "ada-leaf.pem"
    leaf_only.write_bytes(pki.ada_cert.read_bytes().split(b"-----END CERTIFICATE-----")[0]
                          + b"-----END CERTIFICATE-----\n")
    identity = load_pades_identity(pki.ada_key, leaf_only)
    assert not identity.chain_complete and identity.common_name == "Ada Lovelace"
    roots = load_trust_roots([pki.root])
    bb = pades_sign(stored.pdf, identity, reason="test")
    bt = pades_sign(stored.pdf, identity, reason="test", tsa_url=tsa)
    assert (bb.level, bb.timestamped, bb.validation_data) == ("B-B", False, False)
    assert (bt.level, bt.timestamped, bt.validation_data) == ("B-T", True, False)
    for signed, level, stamped in ((bb, "B-B", None), (bt, "B-T", True)):
        result = validate_pades(signed.pdf, roots)
        [sig] = result.signatures
        assert result.ok and sig.level == level and sig.timestamp_ok is stamped and sig.trusted
        assert "/DSS" not in PdfReader(io.BytesIO(signed.pdf)).trailer["/Root"]


def test_two_approvers_sign_in_turn_and_both_signatures_validate(stored, pki, tsa, db, tmp_path):
    out = tmp_path / "out"
    first = cli("signoff", stored.run_id[:10], "--by", "Ada Lovelace", "--role", "reviewer", "--decision",
                "approve", "--db", db, "--out", out, "--sign-key", pki.ada_key, "--sign-cert", pki.ada_cert,
                "--tsa", tsa)
    assert first.exit_code == 0, first.output
    with open_store(db) as store:
        v2 = store.get_report(stored.run_id)
        [record] = store.list_signoffs(stored.run_id)
    assert v2.version == 2 and v2.pdf is not None
    by_ada = out / f"{v2.report_id}.signed.pdf"
    assert (out / f"{v2.report_id}.pdf").read_bytes() == v2.pdf and by_ada.read_bytes().startswith(v2.pdf)
    reason = str(PdfReader(by_ada).get_fields()["auditkit-signature-1"]["/V"]["/Reason"])
    assert reason == f"approve as reviewer (auditkit sign-off record sha256 {record['record_sha256']})"

    env = {PASSPHRASE_ENV_VAR: "s3cret"}
    second = cli("sign", by_ada, "--sign-key", pki.grace_p12, "--reason", "final approval", env=env)
    assert second.exit_code == 0, second.output
    final = out / f"{v2.report_id}.signed.signed.pdf"
    assert "signature auditkit-signature-2 by Grace Hopper" in second.output and final.exists()
    assert final.read_bytes().startswith(by_ada.read_bytes())  # Ada's signed file is kept byte for byte

    result = validate_pades(final.read_bytes(), load_trust_roots([pki.root]))
    assert result.ok and result.signers == ("Ada Lovelace", "Grace Hopper")
    ada, grace = result.signatures
    assert ada.coverage == "entire revision" and ada.modifications_ok and ada.timestamp_ok
    assert ada.modifications == "later revisions add only signatures and validation data"
    assert grace.coverage == "entire file" and grace.level == "B-B"
    verified = cli("verify", final, "--trust", pki.root, "--db", db)
    assert verified.exit_code == 0, verified.output
    assert "PDF bytes equal stored version 2 plus 2 PAdES signature(s)" in verified.stdout
    assert "PAdES-signed by Ada Lovelace, Grace Hopper" in verified.stderr

    same = cli("sign", final, "--sign-key", pki.grace_p12, "--out", final, env=env)
    assert same.exit_code == 2 and "is the input file" in same.output
    plain = tmp_path / "plain.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.write(plain)
    refused = cli("sign", plain, "--sign-key", pki.grace_p12, env=env)
    assert refused.exit_code == 2 and "is not an auditkit report" in refused.output


def test_an_untrusted_signer_is_named(stored, pki, tmp_path):
    source = tmp_path / "report.pdf"
    source.write_bytes(stored.pdf)
    signed = cli("sign", source, "--sign-key", pki.mallory_key, "--sign-cert", pki.mallory_cert)
    assert signed.exit_code == 0, signed.output
    path = tmp_path / "report.signed.pdf"
    verified = cli("verify", path, "--trust", pki.root)
    assert verified.exit_code == 1
    assert ("MISMATCH PAdES signature auditkit-signature-1 (Mallory) certificate chain: does not chain to any "
            "--trust root") in verified.stdout
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(stored.pdf)
    no_signature = cli("verify", unsigned, "--trust", pki.root)
    assert no_signature.exit_code == 1 and "the file has no PAdES signature" in no_signature.stdout


def test_bytes_after_the_last_signature_fail(stored, pki, signed_blt, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signed_blt.read_bytes()
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(signed + b"% appended\n")
    result = cli("verify", junk, "--trust", pki.root)
    assert result.exit_code == 1 and "11 bytes after the last signature are covered by no signature" in result.stdout

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)  # an unsigned incremental update
    info = writer.trailer["/Info"].get_object()
    info["/Title"] = generic.TextStringObject("Audit report (edited after signing)")
    writer.update_container(info)
    edited_out = io.BytesIO()
    writer.write(edited_out)
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(edited_out.getvalue())
    assert edited_out.getvalue().startswith(signed)
    result = cli("verify", edited, "--trust", pki.root, "--db", f"sqlite:///{stored.db_file}")
    assert result.exit_code == 1
    assert "MISMATCH PAdES coverage" in result.stdout and "PDF bytes differ from stored version 1" in result.stdout


def _stream_positions(pdf: bytes, idnum: int, count: int) -> list[int]:
    """``count`` offsets spread over the data of stream object ``idnum`` (plus one in its dictionary)."""
    start = re.search(rb"(?<![0-9])%d 0 obj" % idnum, pdf)
    assert start is not None, idnum
    data = pdf.index(b"stream", start.end()) + len(b"stream") + 1
    end = pdf.index(b"endstream", data)
    return [start.end() + 3] + [data + (end - data - 1) * k // max(count - 1, 1) for k in range(count)]


def sampled_positions(pdf: bytes) -> dict[str, list[int]]:
    """Deterministic positions across the signed file, by part: header, each page content stream, each
    attachment stream, the signature's /Contents (DER and zero padding), the signature dictionary, the xref
    sections and the trailers."""
    reader = PdfReader(io.BytesIO(pdf))
    parts: dict[str, list[int]] = {"header": [0, 1, 5, 7, 10]}
    for i, page in enumerate(reader.pages):
        parts[f"page {i + 1} content"] = _stream_positions(pdf, page.raw_get("/Contents").idnum, 2)
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    for name, spec in zip(names[::2], names[1::2], strict=True):
        parts[f"attachment {name}"] = _stream_positions(pdf, spec.get_object()["/EF"].raw_get("/F").idnum, 3)
    contents = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", contents)
    der_end = contents + 2 * (int.from_bytes(bytes.fromhex(pdf[contents + 4:contents + 8].decode()), "big") + 4)
    parts["signature /Contents"] = [contents, contents + 1, contents + 40, (contents + der_end) // 2, der_end - 1,
                                    der_end, (der_end + end) // 2, end - 1]
    sig_dict = pdf.rindex(b"/ByteRange")
    parts["signature dictionary"] = [sig_dict + 12, pdf.rindex(b"/SubFilter") + 5, pdf.rindex(b"/Reason") + 9]
    parts["xref"] = [m.start() + k for m in re.finditer(rb"\nxref\n|/Type /XRef", pdf) for k in (1, 3)]
    parts["trailer"] = [m.end() + 1 for m in re.finditer(rb"startxref", pdf)] + [
        m.start() + 2 for m in re.finditer(rb"%%EOF", pdf)] + [m.start() + 3 for m in re.finditer(rb"/Root", pdf)]
    return parts


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    old = data[at]
    changed[at] = (ord("0") if old != ord("0") else ord("1")) if chr(old) in "0123456789abcdefABCDEF" else old ^ 0x01
    return bytes(changed)


def test_every_sampled_single_byte_change_is_detected(signed_blt, tmp_path):
    signed = signed_blt.read_bytes()
    parts = sampled_positions(signed)
    positions = sorted({p for ps in parts.values() for p in ps if 0 <= p < len(signed)})
    assert len(parts) > 8 and 40 <= len(positions) <= 90, (len(parts), len(positions))
    path = tmp_path / "flipped.pdf"
    missed = []
    for at in positions:
        path.write_bytes(_flip(signed, at))
        try:
            result = verify_pdf(path)  # a file damaged beyond parsing is a finding too ("PDF structure")
        except VerifyError:  # only "%PDF-" itself changed: not a PDF at all, `auditkit verify` exits 2
            assert at < len(b"%PDF-"), at
            continue
        if result.ok or result.inconclusive:
            where = next(name for name, ps in parts.items() if at in ps)
            missed.append(f"{where} @ {at}: {signed[at - 20:at + 20]!r}")
    assert not missed, missed
    path.write_bytes(_flip(signed, parts["signature /Contents"][3]))
    named = cli("verify", path)
    assert named.exit_code == 1 and "MISMATCH PAdES signature auditkit-signature-1" in named.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_signing_mistakes_exit_2_naming_the_file_and_the_fix(stored, pki, db, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    monkeypatch.delenv(PASSPHRASE_ENV_VAR, raising=False)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw")))
    base = ("report", stored.run_id[:10], "--db", db, "--out", tmp_path / "o")
    cases = [
        (("--sign-key", tmp_path / "absent.key", "--sign-cert", pki.ada_cert), None, "does not exist"),
        (("--sign-key", pki.grace_p12), None, f"it is encrypted: set {PASSPHRASE_ENV_VAR}"),
        (("--sign-key", pki.grace_p12), {PASSPHRASE_ENV_VAR: "wrong"}, "wrong passphrase"),
        (("--sign-key", pki.ada_key, "--sign-cert", pki.mallory_cert), None, "matches the private key"),
        (("--sign-key", encrypted, "--sign-cert", pki.ada_cert), None, f"is encrypted; set {PASSPHRASE_ENV_VAR}"),
        (("--sign-key", pki.ada_cert, "--sign-cert", pki.ada_cert), None, "holds no readable private key"),
        (("--sign-key", pki.ada_key), None, "add --sign-cert CERT.pem"),
        (("--sign-key", pki.ada_key, "--sign-cert", pki.ada_key), None, "holds no readable X.509 certificate"),
        (("--sign-cert", pki.ada_cert), None, "--sign-cert needs --sign-key"),
        (("--sign-key", pki.ada_key, "--sign-cert", pki.ada_cert, "--tsa", f"http://127.0.0.1:{_free_port()}/"),
         None, "the time-stamp authority --tsa http://127.0.0.1:"),
    ]
    for extra, env, message in cases:
        result = cli(*base, *extra, env=env)
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.output and "Traceback" not in result.output, (extra, result.output)
    with pytest.raises(SigningKeyError, match="is not a PKCS#12 file"):
        load_pades_identity(pki.ada_key)
    with open_store(db) as store:
        assert store.get_report(stored.run_id).version == 1  # nothing stored
