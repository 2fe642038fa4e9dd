"""Verify an auditkit PDF report: its attachments, its signature and, with a database, its record.

:func:`verify_pdf` reads the files embedded in the PDF and checks, naming what
does not match:

* ``manifest.json`` is present and every file it lists is embedded with the
  size and SHA-256 it records; no other file is embedded (except the signature
  files);
* the manifest agrees with ``results.json`` (run id, model and data hashes) and
  with ``policy.yaml`` (the policy hash);
* ``manifest.sig`` is a valid Ed25519 signature of the manifest under the
  embedded ``manifest.pub.pem`` and, when a trusted key is given, that key is
  the embedded one;
* every PAdES signature (:mod:`auditkit.report.pades`) is intact, valid, chains
  to a ``trust_roots`` certificate when roots are given, has a valid timestamp
  when it has one, is followed only by signatures and validation data, and the
  last one covers the file to its last byte;
* with a store: the PDF's bytes equal the stored report version the manifest
  names (or start with them, every byte after them covered by valid PAdES
  signatures), the stored HTML hashes to the manifest's HTML hash, the embedded
  ``results.json`` equals the one rendered from the stored run, and the run's
  sign-off chain is intact (every ``record_sha256`` recomputes, every
  ``prev_sha256`` links to the record before it), the stored rows match their
  digests (:meth:`~auditkit.store.Store.check_run`: outcomes, run digest, gate,
  report versions and the sign-off head each version anchors), and the
  manifest's ``run_digest`` equals the stored and recomputed run digest
  (manifests made before run digests have none, which is said, not failed).

* the page content: the report is re-rendered from its own embedded evidence
  (:mod:`auditkit.report.rebuild`: results, policy, sign-off records, earlier
  audits, id, version and language from the manifest) and must hash to the
  manifest's HTML hash and equal the PDF byte for byte; when it does not, the
  pages whose text differs and the object holding the first changed byte are
  named (:mod:`auditkit.report.pdfdiff`). A report made by another auditkit or
  PDF toolchain (the manifest's ``renderer``) may legitimately re-render
  differently: then the content check is *inconclusive*, said as such, never a
  pass.

Without a store this proves that what a reader sees is what the embedded
evidence says; that the evidence is authentic takes a signature or ``--db``.
The result is a typed list of :class:`Finding` records; the CLI only prints it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.errors import AuditkitError, read_user_file
from auditkit.report.attachments import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    POLICY_NAME,
    RESULTS_NAME,
    SIGNOFFS_NAME,
    results_json,
)
from auditkit.report.pdfdiff import PageText, byte_difference, text_differences
from auditkit.report.renderer import renderer_differences
from auditkit.report.signing import (
    PUBLIC_KEY_NAME,
    SIGNATURE_NAME,
    ManifestSignature,
    SigningKeyError,
    decode_signature,
    parse_public_key,
    public_key_fingerprint,
    signature_valid,
)
from auditkit.store.signoffs import GENESIS_SHA256, signoff_sha256

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from auditkit.report.pades_validate import PadesValidation
    from auditkit.store import Store


class VerifyError(AuditkitError):
    """The file to verify is missing, unreadable or not a PDF (a usage error, exit code 2)."""


@dataclass(frozen=True)
class Finding:
    """One check of the verification: what was checked, whether it holds, and the values compared."""

    subject: str
    ok: bool
    message: str
    expected: str | None = None
    found: str | None = None
    #: A check that could not be made here (not a mismatch, not a pass): the page content of a report this
    #: auditkit cannot re-render the way the one that made it did.
    inconclusive: bool = False

    def __str__(self) -> str:
        text = f"{self.subject}: {self.message}"
        if not self.ok and (self.expected is not None or self.found is not None):
            text += f" (expected {self.expected}, found {self.found})"
        return text


@dataclass(frozen=True)
class Verification:
    """The result of verifying one PDF: what it claims to be and every finding, in check order."""

    path: str
    report_id: str | None
    version: int | None
    run_id: str | None
    signed: bool
    key_fingerprint: str | None
    database: str | None
    findings: tuple[Finding, ...] = field(default=())
    #: Names of the PAdES signers (:mod:`auditkit.report.pades`), in signing order.
    signers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every finding holds (and there is at least one)."""
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings that do not hold."""
        return tuple(f for f in self.findings if not f.ok)

    @property
    def inconclusive(self) -> bool:
        """True when nothing was found changed but a check could not be made (every problem is inconclusive)."""
        return bool(self.problems) and all(f.inconclusive for f in self.problems)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_pdf(path: str | Path) -> bytes:
    """The bytes of the PDF at ``path``; :class:`VerifyError` when missing, unreadable or not a PDF."""
    p = Path(path)
    data = read_user_file(p, "report", VerifyError, "give the path of an auditkit PDF report")
    if not data.lstrip()[:5] == b"%PDF-":
        raise VerifyError(f"{str(p)!r} is not a PDF (it does not start with %PDF-); "
                          "`auditkit verify` checks the PDF reports auditkit writes")
    return data


def embedded_files(pdf: bytes, *, source: str = "the PDF") -> dict[str, list[bytes]]:
    """The PDF's embedded files by name (a list, since a name can occur more than once)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        return {name: list(contents) for name, contents in reader.attachments.items()}
    except Exception as exc:  # any parse failure of a damaged file (zlib, index, recursion errors)
        raise VerifyError(f"{source} cannot be read as a PDF ({type(exc).__name__}: {exc})") from None


def stored_signature(pdf: bytes) -> ManifestSignature | None:
    """The signature files embedded in a PDF auditkit wrote, or None when it is unsigned.

    Re-rendering a signed report reuses them: with an unchanged manifest the
    signature is still valid and the bytes come out the same.
    """
    return _embedded_signature(embedded_files(pdf))


def _single(files: Mapping[str, list[bytes]], name: str, findings: list[Finding]) -> bytes | None:
    contents = files.get(name)
    if not contents:
        return None
    if len(contents) > 1:
        findings.append(Finding(f"attachment {name}", False, f"embedded {len(contents)} times; expected once"))
    return contents[0]


def _parse_manifest(raw: bytes | None, findings: list[Finding]) -> dict[str, Any] | None:
    if raw is None:
        findings.append(Finding(f"attachment {MANIFEST_NAME}", False,
                                "not embedded: not an auditkit report, or its attachments were removed"))
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        findings.append(Finding(f"attachment {MANIFEST_NAME}", False, f"is not valid JSON ({exc})"))
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        findings.append(Finding(f"attachment {MANIFEST_NAME}", False, "has an unknown format",
                                MANIFEST_FORMAT, str(got)))
        return None
    findings.append(Finding(f"attachment {MANIFEST_NAME}", True, f"present, format {MANIFEST_FORMAT}"))
    return manifest


def _check_listed(files: Mapping[str, list[bytes]], manifest: Mapping[str, Any], findings: list[Finding]) -> None:
    """Every attachment the manifest lists is embedded with its recorded size and SHA-256."""
    listed = manifest.get("attachments") or []
    names = set()
    for entry in listed:
        name = str(entry.get("name"))
        names.add(name)
        subject = f"attachment {name}"
        content = _single(files, name, findings)
        if content is None:
            findings.append(Finding(subject, False, "listed in the manifest but not embedded"))
            continue
        digest = _sha(content)
        if digest != entry.get("sha256"):
            findings.append(Finding(subject, False, "SHA-256 differs from the manifest", entry.get("sha256"), digest))
        elif len(content) != entry.get("size"):
            findings.append(Finding(subject, False, "size differs from the manifest",
                                    f"{entry.get('size')} bytes", f"{len(content)} bytes"))
        else:
            findings.append(Finding(subject, True, f"SHA-256 {digest} matches the manifest"))
    for required in (RESULTS_NAME, POLICY_NAME):
        if required not in names:
            findings.append(Finding(f"attachment {required}", False, "not listed in the manifest"))
    extra = sorted(set(files) - names - {MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME})
    for name in extra:
        findings.append(Finding(f"attachment {name}", False, "embedded but not listed in the manifest"))


def _json(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def _check_consistency(files: Mapping[str, list[bytes]], manifest: Mapping[str, Any],
                       findings: list[Finding]) -> None:
    """The manifest's run, model, data and policy hashes agree with results.json and policy.yaml."""
    results = _json((files.get(RESULTS_NAME) or [None])[0])
    if results is None:
        findings.append(Finding(f"attachment {RESULTS_NAME}", False, "missing or not valid JSON"))
    else:
        pairs = (
            ("run id", (manifest.get("report") or {}).get("run_id"), results.get("run_id")),
            ("model SHA-256", (manifest.get("model") or {}).get("sha256"),
             (results.get("model") or {}).get("fingerprint")),
            ("data SHA-256", (manifest.get("dataset") or {}).get("sha256"),
             (results.get("dataset") or {}).get("fingerprint")),
        )
        for what, expected, found in pairs:
            if expected != found:
                findings.append(Finding(f"manifest {what}", False, f"differs from {RESULTS_NAME}", expected, found))
            else:
                findings.append(Finding(f"manifest {what}", True, f"agrees with {RESULTS_NAME}"))
    policy = (files.get(POLICY_NAME) or [None])[0]
    expected = (manifest.get("policy") or {}).get("sha256")
    if policy is not None:
        found = _sha(policy)
        ok = expected == found
        findings.append(Finding("manifest policy SHA-256", ok,
                                f"{'agrees with' if ok else 'differs from'} {POLICY_NAME}", expected, found))


def _check_signature(files: Mapping[str, list[bytes]], manifest_raw: bytes | None, trusted: Ed25519PublicKey | None,
                     findings: list[Finding]) -> str | None:
    """Check manifest.sig under the embedded key (and the trusted key); return the key's fingerprint."""
    sig_raw, pub_raw = _single(files, SIGNATURE_NAME, findings), _single(files, PUBLIC_KEY_NAME, findings)
    if sig_raw is None and pub_raw is None:
        if trusted is not None:
            findings.append(Finding("signature", False, "the report is not signed, but a trusted public key was given",
                                    public_key_fingerprint(trusted), "no signature"))
        return None
    if sig_raw is None or pub_raw is None:
        missing = SIGNATURE_NAME if sig_raw is None else PUBLIC_KEY_NAME
        findings.append(Finding("signature", False, f"{missing} is missing, so the signature cannot be checked"))
        return None
    try:
        key = parse_public_key(pub_raw)
        signature = decode_signature(sig_raw)
    except SigningKeyError as exc:
        findings.append(Finding("signature", False, str(exc)))
        return None
    fingerprint = public_key_fingerprint(key)
    if manifest_raw is None:
        findings.append(Finding("signature", False, f"nothing to check: {MANIFEST_NAME} is missing"))
    elif signature_valid(key, signature, manifest_raw):
        findings.append(Finding("signature", True, f"valid Ed25519 signature of {MANIFEST_NAME} "
                                                  f"by key {fingerprint[:16]}…"))
    else:
        findings.append(Finding("signature", False, f"{SIGNATURE_NAME} is not a valid signature of the embedded "
                                                    f"{MANIFEST_NAME} under the embedded {PUBLIC_KEY_NAME}"))
    if trusted is not None:
        want = public_key_fingerprint(trusted)
        ok = want == fingerprint
        findings.append(Finding("signing key", ok, "is the trusted key" if ok else "is not the trusted key",
                                want, fingerprint))
    return fingerprint


def _differing_keys(expected: bytes, found: bytes) -> str:
    """Which top-level fields (or outcomes by check id) of two results.json documents differ."""
    a, b = _json(expected) or {}, _json(found) or {}
    keys = [k for k in sorted(set(a) | set(b)) if k != "outcomes" and a.get(k) != b.get(k)]
    outcomes_a = {o.get("check_id"): o for o in a.get("outcomes") or []}
    outcomes_b = {o.get("check_id"): o for o in b.get("outcomes") or []}
    keys += [f"outcome {cid}" for cid in sorted(set(outcomes_a) | set(outcomes_b), key=str)
             if outcomes_a.get(cid) != outcomes_b.get(cid)]
    return ", ".join(keys) or "formatting only"


def check_signoff_chain(records: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """Recompute every sign-off's ``record_sha256`` and ``prev_sha256`` link (first one: 64 zeros)."""
    findings = []
    prev = GENESIS_SHA256
    for i, record in enumerate(records, start=1):
        subject = f"sign-off #{i} ({record.get('name')}, {record.get('role')}, {record.get('decision')})"
        problems = 0
        recomputed = signoff_sha256(record)
        if recomputed != record.get("record_sha256"):
            findings.append(Finding(subject, False, "record_sha256 does not match the record's fields "
                                                    "(the row was changed after it was signed)",
                                    record.get("record_sha256"), recomputed))
            problems += 1
        if record.get("prev_sha256") != prev:
            findings.append(Finding(subject, False, "prev_sha256 does not link to the previous sign-off record",
                                    prev, record.get("prev_sha256")))
            problems += 1
        if not problems:
            findings.append(Finding(subject, True, "record hash recomputes and links to the previous record"))
        prev = str(record.get("record_sha256"))
    return findings


def _check_pades(pdf: bytes, trust_roots: Sequence[Any], findings: list[Finding]) -> PadesValidation:
    """The PAdES findings (:func:`auditkit.report.pades_validate.pades_checks`); the validation for the store check."""
    from auditkit.report.pades_validate import pades_checks, validate_pades

    result = validate_pades(pdf, trust_roots)
    findings.extend(Finding(c.subject, c.ok, c.message, c.expected, c.found) for c in pades_checks(result))
    return result


def _signed_envelope(stored: bytes, pdf: bytes, pades: PadesValidation | None) -> int:
    """How many PAdES signatures cover every byte ``pdf`` has after ``stored`` (0: not such an envelope)."""
    if pades is None or not pades.signatures or not pdf.startswith(stored) or pades.unsigned_tail:
        return 0
    sound = all(s.error is None and s.intact and s.valid and not s.structure_problems and s.modifications_ok
                and s.revision_end > len(stored) for s in pades.signatures)
    return len(pades.signatures) if sound and pades.error is None else 0


def _check_store(store: Store, pdf: bytes, files: Mapping[str, list[bytes]], manifest: Mapping[str, Any],
                 findings: list[Finding], pades: PadesValidation | None = None) -> None:
    """Compare the PDF with the stored report version, the stored run, and check the sign-off chain."""
    report = manifest.get("report") or {}
    run_id, version, report_id = report.get("run_id"), report.get("version"), report.get("id")
    try:
        run = store.get_run(str(run_id))
        record = store.get_report(run.run_id, version=int(version)) if isinstance(version, int) else None
    except AuditkitError as exc:
        findings.append(Finding("database", False, f"run {run_id} of the manifest is not in the database: {exc}"))
        return
    subject = f"stored report {report_id}"
    if record is None:
        findings.append(Finding(subject, False, f"run {run.run_id[:12]} has no stored report version {version}"))
    else:
        if record.report_id != report_id:
            findings.append(Finding(subject, False, "the stored version has another report id", report_id,
                                    record.report_id))
        pdf_digest = _sha(pdf)
        if record.pdf is None:
            findings.append(Finding(subject, False, "the stored version has no PDF to compare with"))
        elif record.pdf != pdf and (signed := _signed_envelope(record.pdf, pdf, pades)):
            findings.append(Finding(subject, True, f"PDF bytes equal stored version {record.version} plus {signed} "
                                                   "PAdES signature(s)"))
        elif record.pdf != pdf:
            findings.append(Finding(subject, False, f"PDF bytes differ from stored version {record.version}",
                                    _sha(record.pdf), pdf_digest))
        else:
            findings.append(Finding(subject, True, f"PDF bytes equal stored version {record.version}"))
        html_expected = (manifest.get("html") or {}).get("sha256")
        html_found = _sha(record.html)
        ok = html_expected == html_found
        findings.append(Finding(f"{subject} HTML", ok, "stored HTML " + ("matches" if ok else "differs from")
                                + " the manifest's HTML hash", html_expected, html_found))
        for column, content in (("html_sha256", record.html), ("pdf_sha256", record.pdf)):
            stored = getattr(record, column)
            if content is not None and stored != _sha(content):
                findings.append(Finding(subject, False, f"stored {column} does not match the stored bytes",
                                        stored, _sha(content)))
    embedded = (files.get(RESULTS_NAME) or [None])[0]
    expected = results_json(run)
    if embedded is None:
        pass  # already reported by the manifest checks
    elif embedded == expected:
        findings.append(Finding(f"attachment {RESULTS_NAME}", True, f"equals the stored run {run.run_id[:12]}"))
    else:
        findings.append(Finding(f"attachment {RESULTS_NAME}", False,
                                f"differs from the stored run {run.run_id[:12]} in: "
                                f"{_differing_keys(expected, embedded)}", _sha(expected), _sha(embedded)))
    chain = check_signoff_chain(store.list_signoffs(run.run_id))
    findings.extend(chain or [Finding("sign-offs", True, f"run {run.run_id[:12]} has no sign-offs yet")])
    _check_digests(store, run.run_id, run.digest, manifest, findings)


def _check_digests(store: Store, run_id: str, stored_digest: str | None, manifest: Mapping[str, Any],
                   findings: list[Finding]) -> None:
    """The stored rows against their digests, and the manifest's run digest against the stored one.

    A manifest written before run digests existed has none: that is said, not counted as a mismatch.
    """
    integrity = store.check_run(run_id)
    for problem in integrity.problems:
        findings.append(Finding(f"database {problem.subject}", False, problem.message, problem.expected,
                                problem.found))
    if not integrity.problems:
        findings.append(Finding("database digests", True, "outcomes, run digest, gate, report versions and "
                                "sign-off chain head recompute" + (f" ({'; '.join(integrity.notes)})"
                                                                   if integrity.notes else "")))
    embedded = (manifest.get("run_digest") or {}).get("sha256")
    if embedded is None:
        findings.append(Finding("manifest run_digest", True, "not recorded (report made before run digests)"))
        return
    ok = embedded == stored_digest == integrity.recomputed_digest
    findings.append(Finding("manifest run_digest", ok, "equals the stored and recomputed run digest" if ok else
                            "differs from the run digest stored or recomputed from the database",
                            embedded, integrity.recomputed_digest))


def _embedded_signature(files: Mapping[str, list[bytes]]) -> ManifestSignature | None:
    """The Ed25519 manifest signature among the embedded files (as :func:`stored_signature`), or None."""
    sig, pub = files.get(SIGNATURE_NAME), files.get(PUBLIC_KEY_NAME)
    if not sig or not pub:
        return None
    try:
        return ManifestSignature(pub[0], decode_signature(sig[0]))
    except SigningKeyError:
        return None


def _pages(text: Sequence[PageText]) -> str:
    shown = "; ".join(f"page {d.page} reads {d.found[:60]!r} where the evidence renders {d.expected[:60]!r}"
                      for d in text[:3])
    return shown + (f"; and {len(text) - 3} more page(s)" if len(text) > 3 else "")


def _check_content(pdf: bytes, files: Mapping[str, list[bytes]], manifest: Mapping[str, Any],
                   findings: list[Finding], pades: PadesValidation | None = None) -> None:
    """Re-render the report from its embedded evidence and compare it with the manifest's HTML hash and the PDF."""
    from auditkit.report.rebuild import rerender_embedded

    subject = "page content"
    try:
        html, rendered = rerender_embedded({name: contents[0] for name, contents in files.items() if contents},
                                           _embedded_signature(files))
    except AuditkitError as exc:  # RebuildError, or a policy or evidence the renderer refuses
        findings.append(Finding(subject, False, f"cannot be re-rendered from the embedded evidence: {exc}"))
        return
    drift = renderer_differences(manifest.get("renderer"))
    why = ("this auditkit or PDF toolchain differs from the one that rendered the report (" + ", ".join(
        d[:90] for d in drift) + "), so a different rendering is not proof of a change; compare with `auditkit "
           "verify --db`, or verify with the auditkit version the manifest names")
    expected_html, found_html = (manifest.get("html") or {}).get("sha256"), _sha(html)
    if expected_html == found_html:
        findings.append(Finding(f"{subject} HTML", True, "the report re-rendered from the embedded evidence hashes "
                                "to the manifest's HTML hash"))
    else:
        findings.append(Finding(f"{subject} HTML", False, "the report re-rendered from the embedded evidence does "
                                "not hash to the manifest's HTML hash" + (f": {why}" if drift else ": the evidence "
                                "or the manifest was changed after rendering"), expected_html, found_html,
                                inconclusive=bool(drift)))
    if pdf == rendered:
        findings.append(Finding(subject, True, "the PDF is byte for byte the report re-rendered from its embedded "
                                "evidence: every page, attachment and metadata field is as rendered"))
        return
    if signatures := _signed_envelope(rendered, pdf, pades):
        findings.append(Finding(subject, True, f"the first {len(rendered):,} bytes are byte for byte the report "
                                "re-rendered from its embedded evidence; every byte after them belongs to "
                                f"{signatures} PAdES signature(s) (checked above)"))
        return
    if pdf.startswith(rendered):
        findings.append(Finding(subject, False, f"the first {len(rendered):,} bytes are the report re-rendered from "
                                f"its embedded evidence, but {len(pdf) - len(rendered):,} bytes were appended after "
                                "it (an incremental update, which can add or cover page content and is covered by "
                                "no signature)"))
        return
    text = text_differences(rendered, pdf)
    difference = byte_difference(rendered, pdf)
    where = f"first changed byte at offset {difference.offset:,}, in {difference.where}" if difference else ""
    if text is None:
        what = f"its page structure no longer parses ({where})"
    elif text:
        what = f"the text differs on {len(text)} page(s): {_pages(text)} ({where})"
    else:
        what = f"the text of every page is the same, but the bytes are not: {where}"
    findings.append(Finding(subject, False, f"differs from the report re-rendered from its embedded evidence: {what}"
                            + (f"; {why}" if drift else ""), _sha(rendered), _sha(pdf), inconclusive=bool(drift)))


def _check_embedded_signoffs(raw: bytes, findings: list[Finding]) -> None:
    """The sign-off records the PDF embeds: each record's hash recomputes and links to the one before."""
    from auditkit.report.rebuild import RebuildError, signoffs_from_json

    try:
        records = signoffs_from_json(raw)
    except RebuildError as exc:
        findings.append(Finding(f"attachment {SIGNOFFS_NAME}", False, str(exc)))
        return
    findings.extend(dataclasses.replace(f, subject=f"embedded {f.subject}") for f in check_signoff_chain(records))


def verify_pdf(path: str | Path, *, store: Store | None = None, trusted_key: Ed25519PublicKey | None = None,
               database: str | None = None, trust_roots: Sequence[Any] = (), content: bool = True) -> Verification:
    """Verify the auditkit PDF report at ``path`` (see the module docstring for what is checked).

    ``store``: also compare with the results database; ``trusted_key``: the
    signature must be by this key; ``trust_roots``: certificates every PAdES signature must chain to
    (:func:`auditkit.report.pades_keys.load_trust_roots`); ``content=False`` skips re-rendering the page
    content (seconds for a long report). Raises :class:`VerifyError` only when
    the file is missing or not a PDF at all; every mismatch, a damaged PDF
    included, is a :class:`Finding`.
    """
    pdf = read_pdf(path)
    findings: list[Finding] = []
    try:
        files = embedded_files(pdf, source=str(path))
    except VerifyError as exc:
        findings.append(Finding("PDF structure", False, f"{exc}: the file was damaged or changed after it was "
                                "written"))
        return Verification(path=str(path), report_id=None, version=None, run_id=None, signed=False,
                            key_fingerprint=None, database=database, findings=tuple(findings))
    manifest_raw = _single(files, MANIFEST_NAME, findings)
    manifest = _parse_manifest(manifest_raw, findings)
    if manifest is not None:
        _check_listed(files, manifest, findings)
        _check_consistency(files, manifest, findings)
    fingerprint = _check_signature(files, manifest_raw, trusted_key, findings)
    pades = _check_pades(pdf, trust_roots, findings)
    if content and manifest is not None:
        _check_content(pdf, files, manifest, findings, pades)
    if store is None and files.get(SIGNOFFS_NAME):
        _check_embedded_signoffs(files[SIGNOFFS_NAME][0], findings)
    if store is not None and manifest is not None:
        _check_store(store, pdf, files, manifest, findings, pades)
    report = (manifest or {}).get("report") or {}
    version = report.get("version")
    return Verification(
        path=str(path),
        report_id=report.get("id"),
        version=version if isinstance(version, int) else None,
        run_id=report.get("run_id"),
        signed=SIGNATURE_NAME in files,
        key_fingerprint=fingerprint,
        database=database,
        findings=tuple(findings),
        signers=pades.signers,
    )


__all__ = ["Finding", "Verification", "VerifyError", "check_signoff_chain", "embedded_files", "read_pdf",
           "stored_signature", "verify_pdf"]
