"""A report verifies itself: ``auditkit verify report.pdf`` without ``--db`` re-renders it from its embedded
evidence and compares, and the tamper matrix of issue #15 — what each mode detects, and names.

One small stored history (two runs of a system; the second signed off by two people and signed with an
Ed25519 key) gives PDFs with every kind of attachment: results, policy, test log, sign-off records, the
earlier audit section 9 compares with, the manifest and its signature.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from analytic_audit import make_frame, write_audit
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from typer.testing import CliRunner

from auditkit import api
from auditkit.cli import app
from auditkit.report import pdfdiff
from auditkit.report.rebuild import rerender_embedded
from auditkit.report.signing import load_signing_key
from auditkit.store import open_store
from auditkit.verify import embedded_files, stored_signature, verify_pdf

PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"selection_rate": {"min": 0.2}}}


@dataclass(frozen=True)
class History:
    """The stored database, the earlier run's first PDF, and the latest (signed-off, Ed25519-signed) PDF."""

    db_file: Path
    earlier_run: str
    run_id: str
    earlier_pdf: bytes
    pdf: bytes
    key_file: Path
    versions: tuple[tuple[bytes, bytes], ...]  # every stored (html, pdf)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    tmp = tmp_path_factory.mktemp("selfverify")
    policy = write_audit(tmp, make_frame(60, {"female": 0.5, "male": 0.5}), [PERF])
    db_file = tmp / "audit.db"
    key_file = tmp / "signer.pem"
    key_file.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open_store(f"sqlite:///{db_file}") as store:
        earlier = api.run_audit(policy, store=store, device="cpu")
        run = api.run_audit(policy, store=store, device="cpu")
        api.sign_off(store, run.run_id, name="Rita Reviewer", role="reviewer", decision="approve")
        api.sign_off(store, run.run_id, name="Anna Approver", role="approver", decision="approve",
                     comment="Residual risk accepted")
        latest, _ = api.sign_report(store, run.run_id, load_signing_key(key_file))
        versions = tuple((r.html, r.pdf) for r in store.list_reports(run.system_name))
        earlier_pdf = store.get_report(earlier.run_id, version=1).pdf
    assert latest.pdf is not None and earlier_pdf is not None
    return History(db_file, earlier.run_id, run.run_id, earlier_pdf, latest.pdf, key_file, versions)


@pytest.fixture
def db(history, tmp_path) -> str:
    """A private copy of the stored database, so a test may change it."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(history.db_file, copy)
    return f"sqlite:///{copy}"


def _cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _files(pdf: bytes) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in embedded_files(pdf).items()}


# --------------------------------------------------------------------------- re-rendering from the PDF alone


def test_every_stored_version_re_renders_byte_for_byte_from_its_own_attachments(history):
    assert len(history.versions) == 5  # two first versions, two sign-off versions, one signed
    for html, pdf in history.versions:
        assert rerender_embedded(_files(pdf), stored_signature(pdf)) == (html, pdf)
    names = set(_files(history.pdf))
    assert {"results.json", "policy.yaml", "test-log.jsonl", "signoffs.json", "earlier-audits.json",
            "manifest.json", "manifest.sig", "manifest.pub.pem"} == names


def test_an_untouched_report_verifies_alone_with_its_page_content_and_sign_off_chain(history, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(history.pdf)
    result = verify_pdf(path)
    assert result.ok, [str(f) for f in result.problems]
    content = {f.subject: f for f in result.findings}
    assert "byte for byte the report re-rendered" in content["page content"].message
    assert content["page content HTML"].ok
    chain = [f for f in result.findings if f.subject.startswith("embedded sign-off #")]
    assert [f.ok for f in chain] == [True, True] and "Anna Approver" in chain[1].subject
    out = _cli("verify", path)
    assert out.exit_code == 0 and "page content re-rendered from the embedded evidence" in out.output


def _flip(pdf: bytes, offset: int) -> bytes:
    return pdf[:offset] + bytes([pdf[offset] ^ 0x01]) + pdf[offset + 1:]


def _sampled_positions(pdf: bytes) -> dict[int, str]:
    """Offsets across the whole file, chosen from its structure: the header, the middle of every page content
    stream, of every attachment stream, of the fonts, the object and cross-reference streams, and the trailer."""
    starts = [(m.start(), int(m.group(1))) for m in re.finditer(rb"(\d+) 0 obj\b", pdf)]
    spans = {n: (start, nxt) for (start, n), (nxt, _) in zip(starts, [*starts[1:], (pdf.rindex(b"startxref"), 0)],
                                                               strict=True)}
    roles = pdfdiff._roles(PdfReader(io.BytesIO(pdf)))
    positions = {5: "header", 12: "header (binary comment)"}
    wanted = ("content stream of page", "attachment ", "font program", "text map", "colour profile")
    picked: dict[str, int] = {}
    for number, role in roles.items():
        if any(w in role for w in wanted) and number in spans and picked.get(role, 0) < 1:
            start, end = spans[number]
            body = pdf.index(b"stream", start) + 7 if b"stream" in pdf[start:end] else start + 3
            positions[(body + end) // 2] = role
            picked[role] = 1
    for kind in (b"/ObjStm", b"/XRef"):
        hit = pdf.rindex(kind)
        start = max(s for s, _ in starts if s < hit)
        end = next((s for s, _ in starts if s > hit), pdf.rindex(b"startxref"))
        positions[(pdf.index(b"stream", hit) + 7 + end) // 2] = kind.decode()
    positions[pdf.rindex(b"startxref") + 12] = "startxref offset"
    positions[len(pdf) - 3] = "%%EOF"
    return positions


def test_every_sampled_single_byte_change_is_detected_and_located(history, tmp_path):
    """Acceptance of #15 item 1: each sampled byte, flipped, fails verification without --db (never exit 0,
    never inconclusive, never a crash), and a changed page content stream is named by its page."""
    positions = _sampled_positions(history.pdf)
    pages = [r for r in positions.values() if r.startswith("the content stream of page")]
    attachments = [r for r in positions.values() if r.startswith("the attachment ")]
    assert len(pages) >= 8 and len(attachments) == 8 and len(positions) >= 25, positions
    path = tmp_path / "flipped.pdf"
    for offset, role in sorted(positions.items()):
        path.write_bytes(_flip(history.pdf, offset))
        result = verify_pdf(path)
        assert not result.ok and not result.inconclusive, (offset, role)
        if role.startswith("the content stream of page"):
            page = role.rsplit(" ", 1)[1]
            content = next(f for f in result.problems if f.subject == "page content")
            assert f"page {page}" in content.message, (role, content.message)


# --------------------------------------------------------------------------- another renderer


def test_a_report_another_auditkit_rendered_is_inconclusive_not_passed_when_it_differs(history, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.setattr("auditkit.verify.renderer_differences", lambda recorded: ["auditkit 0.1.0 → 0.2.0"])
    untouched = tmp_path / "report.pdf"
    untouched.write_bytes(history.pdf)
    assert verify_pdf(untouched).ok  # it still re-renders identically: nothing to be unsure about
    changed = tmp_path / "changed.pdf"
    offset = next(o for o, r in _sampled_positions(history.pdf).items() if r == "the content stream of page 2")
    changed.write_bytes(_flip(history.pdf, offset))
    result = verify_pdf(changed)
    assert not result.ok and result.inconclusive
    [problem] = result.problems
    assert "auditkit 0.1.0 → 0.2.0" in problem.message and "page 2" in problem.message
    out = _cli("verify", changed)
    assert out.exit_code == 3 and "UNSURE" in out.output and "not fully verified" in out.output


# --------------------------------------------------------------------------- the tamper matrix


def _rewrite(pdf: bytes, *, replace: dict[str, bytes] | None = None, remove: str | None = None,
             title: str | None = None) -> bytes:
    """Re-save the PDF with pypdf, replacing or removing embedded files and/or changing the title."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for ef in writer.attachment_list:
        if replace and ef.name in replace:
            ef.content = replace[ef.name]
    if remove is not None:
        names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
        i = [str(n) for n in names[::2]].index(remove) * 2
        del names[i:i + 2]
    if title is not None:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _overlay(pdf: bytes) -> bytes:
    """Append an incremental update that stamps "GATE: PASS" on page 1, the rest of the file untouched."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_annotation(0, FreeText(text="GATE: PASS", rect=(50, 700, 300, 760), font_size="24pt"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _resigned(pdf: bytes) -> bytes:
    """The manifest re-signed with a key nobody trusts (a valid signature, the wrong signer)."""
    other = Ed25519PrivateKey.generate()
    manifest = _files(pdf)["manifest.json"]
    pub = other.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _rewrite(pdf, replace={"manifest.sig": base64.b64encode(other.sign(manifest)) + b"\n",
                                  "manifest.pub.pem": pub})


def _sql(url: str, statement: str, **params: object) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)
    engine.dispose()


def _swap_signoffs(url: str) -> None:
    """Reorder the chain: the two sign-off rows exchange their contents (ids stay)."""
    cols = ("name", "function", "role", "comment", "signed_at", "report_sha256", "prev_sha256", "record_sha256",
            "report_id")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(cols)} FROM signoffs ORDER BY id")).all()
        conn.execute(sa.text("UPDATE signoffs SET record_sha256 = 'x' || id, prev_sha256 = 'y' || id"))
        for row, other in ((rows[0], rows[1]), (rows[1], rows[0])):
            conn.execute(sa.text(f"UPDATE signoffs SET {', '.join(f'{c} = :{c}' for c in cols)} WHERE id = :id"),
                         {"id": row.id, **{c: getattr(other, c) for c in cols}})
    engine.dispose()


def _page_byte(pdf: bytes) -> bytes:
    offset = next(o for o, r in _sampled_positions(pdf).items() if r == "the content stream of page 1")
    return _flip(pdf, offset)


# (case, how the PDF is changed, how the database is changed, mode, what verify must name).
# mode "alone": `auditkit verify report.pdf`; "db": `--db`; "trusted": `--public-key` of the real signer.
MATRIX = [
    ("attachment byte", lambda h: _rewrite(h.pdf, replace={"results.json": _files(h.pdf)["results.json"].replace(
        b'"gate": "PASS"', b'"gate": "PASX"')}), None, "alone", "attachment results.json: SHA-256 differs"),
    ("page-content byte", lambda h: _page_byte(h.pdf), None, "alone", "page 1"),
    ("metadata", lambda h: _rewrite(h.pdf, title="Audit (approved)"), None, "alone",
     "page content: differs from the report re-rendered"),
    ("appended GATE: PASS overlay", lambda h: _overlay(h.pdf), None, "alone", "bytes were appended after it"),
    ("removed attachment", lambda h: _rewrite(h.pdf, remove="test-log.jsonl"), None, "alone",
     "attachment test-log.jsonl: listed in the manifest but not embedded"),
    ("swapped attachment from another report", lambda h: _rewrite(h.pdf, replace={
        "results.json": _files(h.earlier_pdf)["results.json"]}), None, "alone", "attachment results.json"),
    ("removed sign-off record", lambda h: _rewrite(h.pdf, remove="signoffs.json"), None, "alone",
     "attachment signoffs.json: listed in the manifest but not embedded"),
    ("re-signed with an untrusted key", lambda h: _resigned(h.pdf), None, "trusted", "signing key: is not the trusted"),
    ("edited outcome row", None, lambda url: _sql(url, "UPDATE check_outcomes SET summary = 'all fine'"), "db",
     "database check 'perf'"),
    ("deleted sign-off row", None, lambda url: _sql(url, "DELETE FROM signoffs WHERE id = (SELECT MAX(id) FROM "
                                                    "signoffs)"), "db", "sign-off"),
    ("reordered sign-offs", None, _swap_signoffs, "db", "sign-off #1"),
    ("replaced report version", None, lambda url: _sql(
        url, "UPDATE reports SET pdf = :pdf, pdf_sha256 = :sha WHERE version = 5", pdf=b"%PDF-1.7 forged",
        sha=hashlib.sha256(b"%PDF-1.7 forged").hexdigest()), "db", "PDF bytes differ from stored version 5"),
]


@pytest.mark.parametrize(("case", "change_pdf", "change_db", "mode", "named"), MATRIX, ids=[m[0] for m in MATRIX])
def test_tamper_matrix(history, db, tmp_path, case, change_pdf, change_db, mode, named):
    """Each tampering fails `auditkit verify` (exit 1) in the mode that can see it, and the output names it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(change_pdf(history) if change_pdf else history.pdf)
    if change_db:
        change_db(db)
    args: list[object] = ["verify", path]
    if mode == "db":
        args += ["--db", db]
    if mode == "trusted":
        public = tmp_path / "trusted.pub.pem"
        public.write_bytes(load_signing_key(history.key_file).public_key_pem)
        args += ["--public-key", public]
    out = _cli(*args)
    assert out.exit_code == 1, (case, out.output)
    flat = " ".join(out.output.split())
    assert named in flat, (case, flat[-3000:])
    assert "verification failed" in flat
