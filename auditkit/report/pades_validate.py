"""Validate the PAdES signatures of a PDF (pyHanko) and say, per signature, what holds.

Validation (:func:`validate_pades`) checks every embedded signature with pyHanko's validator
(byte-range digest, CMS signature, certificate chain against given trust roots, timestamp, and
pyHanko's difference analysis of later revisions), plus what pyHanko leaves unchecked in the
unsigned parts of the CMS container (versions, digest algorithm set, embedded certificates, unknown
unsigned attributes, the zero padding of ``/Contents``), and that no byte follows the last
signature's coverage.

pyHanko is imported lazily, so the rest of auditkit works without it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditkit.report.pades_keys import asn1_cert, issued_by, pyhanko_missing


@dataclass(frozen=True)
class PadesSignatureStatus:
    """What validation found for one embedded signature (or document timestamp)."""

    field_name: str
    kind: str  # "signature" or "document timestamp"
    signer: str  # the signer's (or TSA's) common name
    subject: str
    signing_time: dt.datetime | None
    #: The digest over the byte ranges matches the signed one.
    intact: bool
    #: The CMS signature verifies under the signer's certificate.
    valid: bool
    #: The chain ends at a given trust root; None when no roots were given (chain not checked).
    trusted: bool | None
    trust_note: str
    timestamp: dt.datetime | None
    #: None: no signature timestamp; else whether it is intact, valid (and trusted when roots were given).
    timestamp_ok: bool | None
    timestamp_note: str
    coverage: str
    modifications: str
    modifications_ok: bool
    #: Byte offset where the signed revision ends (the end of the byte range).
    revision_end: int
    level: str
    #: Changes in the parts of the CMS container the signature does not cover (see the module docstring).
    structure_problems: tuple[str, ...] = ()
    #: Why the signature could not be validated at all (a damaged file); None when it was.
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Intact, valid, structurally sound, trusted unless no roots were given, timestamp fine, no bad changes."""
        return (self.error is None and self.intact and self.valid and not self.structure_problems
                and self.trusted is not False and self.timestamp_ok is not False and self.modifications_ok)


@dataclass(frozen=True)
class PadesValidation:
    """Every PAdES signature of a file, and what no signature covers."""

    signatures: tuple[PadesSignatureStatus, ...]
    #: Bytes after the end of the last signature's byte range (0 when the last signature covers the file).
    unsigned_tail: int
    size: int
    #: The file has signatures but cannot be read by pyHanko at all.
    error: str | None = None
    roots_given: bool = False

    @property
    def signers(self) -> tuple[str, ...]:
        """The signers' names, in signing order (document timestamps left out)."""
        return tuple(s.signer for s in self.signatures if s.kind == "signature")

    @property
    def ok(self) -> bool:
        """Readable, every signature ok, and nothing after the last signature."""
        return self.error is None and self.unsigned_tail == 0 and all(s.ok for s in self.signatures)


def _time(value: Any) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def _name_of(asn1_cert: Any) -> tuple[str, str]:
    """(common name, subject) of an asn1crypto certificate."""
    try:
        subject = asn1_cert.subject.human_friendly
        cn = asn1_cert.subject.native.get("common_name")
        return (str(cn) if cn else subject), subject
    except (ValueError, TypeError, KeyError, AttributeError):
        return "unreadable certificate", "unreadable certificate"


def _der() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.DER


def _crypto_cert(asn1_cert: Any) -> Any:
    from cryptography import x509

    return x509.load_der_x509_certificate(asn1_cert.dump())


def _algorithms_ok(algos: Iterable[Any]) -> bool:
    """Digest algorithm identifiers with absent or NULL parameters only."""
    return all(a["parameters"].dump() in (b"", b"\x05\x00") for a in algos)


def _signed_data_problems(sd: Any, what: str, pool: list[Any], allowed_unsigned: set[str]) -> list[str]:
    """What pyHanko does not check in a CMS SignedData: versions, digest algorithm set, certificates, attributes."""
    problems: list[str] = []
    infos = list(sd["signer_infos"])
    if len(infos) != 1:
        problems.append(f"{what} has {len(infos)} signer infos; expected one")
    econtent = sd["encap_content_info"]["content_type"].native
    for info in infos:
        want = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
        if info["version"].native != want:
            problems.append(f"{what} signer info version is {info['version'].native}, not {want} (RFC 5652)")
        for attr in info["unsigned_attrs"] if info["unsigned_attrs"].native else []:
            if attr["type"].native not in allowed_unsigned:
                problems.append(f"{what} has an unrecognised unsigned attribute {attr['type'].dotted}")
    want_sd = "v3" if econtent != "data" or any(i["version"].native == "v3" for i in infos) else "v1"
    if sd["version"].native != want_sd:
        problems.append(f"{what} SignedData version is {sd['version'].native}, not {want_sd} (RFC 5652)")
    listed = {a["algorithm"].dotted for a in sd["digest_algorithms"]}
    used = {i["digest_algorithm"]["algorithm"].dotted for i in infos}
    if listed != used or not _algorithms_ok(sd["digest_algorithms"]) or not _algorithms_ok(
            i["digest_algorithm"] for i in infos):
        problems.append(f"{what} digest algorithm list {sorted(listed)} does not match its signer's {sorted(used)}")
    certs = [c for c in sd["certificates"]] if sd["certificates"].native is not None else []
    signer_ids = {(i["sid"].chosen["issuer"].dump(), i["sid"].chosen["serial_number"].native)
                  for i in infos if i["sid"].name == "issuer_and_serial_number"}
    parsed = []
    for choice in certs:
        if choice.name != "certificate":
            problems.append(f"{what} embeds a {choice.name}, not an X.509 certificate")
            continue
        parsed.append((choice.chosen, _crypto_cert(choice.chosen)))
    candidates = pool + [c for _, c in parsed]
    for embedded, cert in parsed:
        if issued_by(cert, cert):
            continue
        issuers = [c for c in candidates if c.subject == cert.issuer and c is not cert]
        if any(issued_by(cert, i) for i in issuers):
            continue
        cn = _name_of(embedded)[0]
        if issuers:
            problems.append(f"{what} embeds the certificate of {cn}, whose signature does not verify under its issuer")
        elif (embedded.issuer.dump(), embedded.serial_number) not in signer_ids:
            problems.append(f"{what} embeds the certificate of {cn}, which is neither self-signed, nor issued by a "
                            "certificate in the file or the trust roots, nor the signer's")
    if sd["crls"].native:
        problems.append(f"{what} embeds CRLs; auditkit's signatures carry none")
    return problems


def _cms_problems(sig: Any, pool: list[Any]) -> list[str]:
    """Structure checks of the signature's ``/Contents`` outside what its signature covers."""
    from asn1crypto import cms

    content = sig.pkcs7_content
    der = cms.ContentInfo.load(content).dump()
    problems = []
    if any(content[len(der):]):
        problems.append("/Contents has non-zero bytes after the CMS signature (its zero padding was changed)")
    problems += _signed_data_problems(sig.signed_data, "the CMS signature", pool, {"signature_time_stamp_token"})
    for attr in sig.signer_info["unsigned_attrs"] if sig.signer_info["unsigned_attrs"].native else []:
        if attr["type"].native == "signature_time_stamp_token":
            for token in attr["values"]:
                problems += _signed_data_problems(token["content"], "the timestamp token", pool, set())
    return problems


def _dss_certs(pdf: bytes) -> list[Any]:
    """Certificates in the document security store, as cryptography objects (an unreadable one is skipped)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        root = PdfFileReader(io.BytesIO(pdf), strict=False).root
        if "/DSS" not in root:
            return []
        dss = root["/DSS"]
        refs = list(dss["/Certs"]) if "/Certs" in dss else []
        return [_crypto_cert(_load_asn1(ref.get_object().data)) for ref in refs]
    except Exception:  # a damaged DSS is judged by the signatures covering it, not here
        return []


def _load_asn1(data: bytes) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(data)


def _modifications(st: Any, signed_fields: set[str]) -> tuple[str, bool]:
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel

    if st.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "covers the entire file", True
    if st.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        name = st.coverage.name if st.coverage is not None else "unknown"
        return f"its byte range does not cover a whole revision (coverage {name})", False
    diff = st.diff_result
    if not isinstance(diff, DiffResult):
        return f"later revisions change the signed document ({diff or 'difference analysis not run'})", False
    level = diff.modification_level
    others = sorted(set(diff.changed_form_fields) - signed_fields)
    if st.docmdp_ok is False:
        return f"later revisions break the signature's modification policy ({level.name})", False
    if level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        return "later revisions add only validation data", True
    if level == ModificationLevel.FORM_FILLING and not others:
        return "later revisions add only signatures and validation data", True
    return (f"later revisions make changes beyond signatures and validation data (modification level "
            f"{level.name}" + (f", fields {', '.join(others)}" if others else "") + ")"), False


def _status(sig: Any, roots: list[Any], dss: list[Any], signed_fields: set[str]) -> PadesSignatureStatus:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    name = str(sig.field_name)
    br = list(sig.byte_range)
    end = int(br[2]) + int(br[3]) if len(br) == 4 else 0
    doc_ts = sig.sig_object_type == "/DocTimeStamp"
    kind = "document timestamp" if doc_ts else "signature"
    context = ValidationContext(trust_roots=[asn1_cert(r) for r in roots], allow_fetching=False)
    try:
        cn, subject = _name_of(sig.signer_cert)
        st = (validate_pdf_timestamp(sig, validation_context=context) if doc_ts
              else validate_pdf_signature(sig, context))
        structure = tuple(_cms_problems(sig, roots + dss))
    except Exception as exc:  # a damaged file can make the parsers raise anything: report it, never crash
        return PadesSignatureStatus(name, kind, "unknown signer", "", None, False, False, None if not roots else False,
                                    "", None, None, "", "unknown", "", False, end, "", (),
                                    f"cannot be validated ({type(exc).__name__}: {exc})")
    trusted = bool(st.trusted) if roots else None
    if trusted is None:
        trust_note = "chain not checked: no --trust roots given"
    elif trusted:
        trust_note = "chains to a --trust root"
    else:
        indic = getattr(st, "trust_problem_indic", None)
        trust_note = "does not chain to any --trust root" + (f" ({indic.name})" if indic is not None else "")
    ts = getattr(st, "timestamp_validity", None)
    if doc_ts:
        ts_time, ts_ok, ts_note = _time(st.timestamp), None, ""
    elif ts is None:
        ts_time, ts_ok, ts_note = None, None, "no signature timestamp"
    else:
        ts_ok = bool(ts.intact and ts.valid and (ts.trusted or not roots))
        tsa = _name_of(ts.signing_cert)[0] if ts.signing_cert is not None else "unknown TSA"
        ts_time = _time(ts.timestamp)
        state = "intact and valid" if ts.intact and ts.valid else "NOT intact or not valid"
        chain = ("TSA chain not checked" if not roots else "TSA chains to a --trust root" if ts.trusted
                 else "TSA does not chain to any --trust root")
        ts_note = f"RFC 3161 timestamp {ts_time:%Y-%m-%d %H:%M:%S} UTC by {tsa}: {state}, {chain}" if ts_time else \
            f"RFC 3161 timestamp by {tsa}: {state}, {chain}"
    modifications, mods_ok = _modifications(st, signed_fields)
    in_dss = any(c.public_bytes(_der()) == sig.signer_cert.dump() for c in dss)
    level = "document timestamp" if doc_ts else ("B-LT" if ts is not None and in_dss else "B-T" if ts is not None
                                                 else "B-B")
    signing_time = _time(getattr(st, "signer_reported_dt", None)) or ts_time
    return PadesSignatureStatus(name, kind, cn, subject, signing_time, bool(st.intact), bool(st.valid), trusted,
                                trust_note, ts_time, ts_ok, ts_note, st.coverage.name.lower().replace("_", " ")
                                if st.coverage is not None else "unknown", modifications, mods_ok, end, level,
                                structure)


@contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs a traceback for every chain it cannot build (e.g. without trust roots) and every field it
    cannot read; the findings say the same in one line each."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def validate_pades(pdf: bytes, trust_roots: Sequence[Any] = ()) -> PadesValidation:
    """Validate every PAdES signature in ``pdf`` (see the module docstring); never raises for a damaged file.

    ``trust_roots``: cryptography certificates (see :func:`load_trust_roots`); without them each
    chain is reported as not checked. A file without signatures gives an empty result.
    """
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
    except ImportError as exc:
        if b"/ByteRange" in pdf:
            return PadesValidation((), 0, len(pdf), f"the file has signatures, but {pyhanko_missing(exc)}")
        return PadesValidation((), 0, len(pdf))
    with _quiet_pyhanko():
        return _validate(pdf, list(trust_roots), PdfFileReader)


def _validate(pdf: bytes, roots: list[Any], reader_class: type) -> PadesValidation:
    try:
        sigs = list(reader_class(io.BytesIO(pdf), strict=False).embedded_signatures)
    except Exception as exc:
        if b"/ByteRange" not in pdf:
            return PadesValidation((), 0, len(pdf), roots_given=bool(roots))
        return PadesValidation((), 0, len(pdf), f"the signed PDF cannot be read ({type(exc).__name__}: {exc})",
                               bool(roots))
    if not sigs:
        error = "the file has a /ByteRange but no readable signature field" if b"/ByteRange" in pdf else None
        return PadesValidation((), 0, len(pdf), error, bool(roots))
    dss = _dss_certs(pdf)
    signed_fields = {str(s.field_name) for s in sigs}
    statuses = tuple(_status(s, roots, dss, signed_fields) for s in sigs)
    covered = max(s.revision_end for s in statuses)
    return PadesValidation(statuses, max(len(pdf) - covered, 0), len(pdf), None, bool(roots))


@dataclass(frozen=True)
class PadesCheck:
    """One verification finding about the PAdES signatures (``auditkit verify`` prints these as they are)."""

    subject: str
    ok: bool
    message: str
    expected: str | None = None
    found: str | None = None


def pades_checks(result: PadesValidation) -> tuple[PadesCheck, ...]:
    """The findings of a validation, per signature: integrity, certificate chain, timestamp, later changes;
    then whether anything follows the last signature. Every failing one names the field and the signer."""
    if result.error is not None:
        return (PadesCheck("PAdES signatures", False, result.error),)
    if not result.signatures:
        return (PadesCheck("PAdES signatures", False, "--trust roots were given, but the file has no PAdES "
                           "signature"),) if result.roots_given else ()
    checks: list[PadesCheck] = []
    for s in result.signatures:
        who = f"PAdES {s.kind} {s.field_name} ({s.signer})"
        if s.error is not None:
            checks.append(PadesCheck(who, False, s.error))
            continue
        wrong = ([] if s.intact else ["the signed bytes were changed (the byte-range digest differs)"]) + (
            [] if s.valid else ["the CMS signature does not verify under the signer's certificate"]) + list(
            s.structure_problems)
        when = f", signing time {s.signing_time:%Y-%m-%d %H:%M:%S} UTC (signer's clock)" if s.signing_time else ""
        checks.append(PadesCheck(who, not wrong, "; ".join(wrong) if wrong else
                                 f"{s.level}, intact and valid; signed revision ends at byte {s.revision_end:,} "
                                 f"of {result.size:,}{when}"))
        checks.append(PadesCheck(f"{who} certificate chain", s.trusted is not False, s.trust_note))
        if s.timestamp_ok is not None:
            checks.append(PadesCheck(f"{who} timestamp", s.timestamp_ok, s.timestamp_note))
        checks.append(PadesCheck(f"{who} later changes", s.modifications_ok, s.modifications))
    last = max(s.revision_end for s in result.signatures)
    if result.unsigned_tail:
        checks.append(PadesCheck("PAdES coverage", False, f"{result.unsigned_tail:,} bytes after the last signature "
                                 "are covered by no signature: an unsigned incremental update or data appended "
                                 "after signing", f"end of file at byte {last:,}", f"{result.size:,} bytes"))
    else:
        checks.append(PadesCheck("PAdES coverage", True, f"the last signature covers the file to its last byte "
                                 f"({result.size:,} bytes)"))
    return tuple(checks)


def bytes_after_last_signature(pdf: bytes) -> int:
    """How many bytes follow the end of the last signature's byte range (0: the last signature covers the file)."""
    return validate_pades(pdf).unsigned_tail


__all__ = ["PadesCheck", "PadesSignatureStatus", "PadesValidation", "bytes_after_last_signature", "pades_checks",
           "validate_pades"]
