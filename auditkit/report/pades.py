"""PAdES signatures on auditkit PDF reports: sign (pyHanko) and validate.

A PAdES signature is an envelope on the distributed file, not part of the stored record: it is an
incremental update appended to the PDF bytes of a stored report version, so a signed file always
starts with the stored bytes, and every further approver appends one more signature while the
earlier ones stay valid. Each signature is an invisible field ``auditkit-signature-N`` (PDF/A-3b
allows it: print flag set, zero-size rectangle, no appearance fonts), signed with SHA-256 as
``ETSI.CAdES.detached``:

* **B-B**: the signer's certificate and the chain given with it are in the CMS signature;
* **B-T**: ``tsa_url`` adds an RFC 3161 signature timestamp from that time-stamp authority;
* **B-LT**: with a timestamp and a chain that ends in a self-signed root, the certificates are also
  written to the document security store (DSS). auditkit never fetches anything from the network
  (no OCSP, no CRL download), so the DSS holds certificates only. The DSS is written in the signed
  revision itself, before the signature is computed: no unsigned revision follows the signature,
  and every byte of the file is covered by a signature or is the signature's own ``/Contents``.

The document's metadata (XMP and document information dictionary) is left exactly as it was:
pyHanko would otherwise rewrite the producer in one of them only, which breaks the PDF/A rule that
the two agree. After signing, the last revision's catalog must still point to XMP declaring
``pdfaid:part=3`` and ``pdfaid:conformance=B`` when the input did.

Validation (:func:`validate_pades`) checks every embedded signature with pyHanko's validator
(byte-range digest, CMS signature, certificate chain against given trust roots, timestamp, and
pyHanko's difference analysis of later revisions), plus what pyHanko leaves unchecked in the
unsigned parts of the CMS container (versions, digest algorithm set, embedded certificates, unknown
unsigned attributes, the zero padding of ``/Contents``), and that no byte follows the last
signature's coverage.

pyHanko is imported lazily, so the rest of auditkit works without it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit.errors import read_user_file
from auditkit.report.signing import SigningKeyError

#: Environment variable with the passphrase of an encrypted key or PKCS#12 file (auditkit never prompts).
PASSPHRASE_ENV_VAR = "AUDITKIT_SIGN_PASSPHRASE"
#: Signature fields auditkit adds are named ``auditkit-signature-1``, ``-2``, ...
FIELD_PREFIX = "auditkit-signature-"
#: Seconds to wait for a time-stamp authority.
TSA_TIMEOUT_S = 20

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----")
_KEY_HINT = ("give a PEM or DER private key (RSA, EC or Ed25519) with --sign-cert CERT.pem, or a PKCS#12 "
             "file (.p12/.pfx) holding key and certificate")


def _pyhanko_missing(exc: ImportError) -> SigningKeyError:
    return SigningKeyError(f"PAdES signatures need pyHanko ({exc}); install it with `pip install pyhanko`")


# ---------------------------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class PadesIdentity:
    """A signer for PAdES: private key, its X.509 certificate and the CA certificates given with it."""

    source: Path
    key: Any = field(repr=False)  # cryptography private key
    certificate: Any = field(repr=False)  # cryptography x509.Certificate of the signer
    chain: tuple[Any, ...] = field(default=(), repr=False)  # CA certificates, signer's issuer first when known
    #: True when the chain links the signer's certificate to a self-signed root (validation data can be embedded).
    chain_complete: bool = False

    @property
    def subject(self) -> str:
        """The signer certificate's subject (RFC 4514)."""
        return self.certificate.subject.rfc4514_string()

    @property
    def common_name(self) -> str:
        """The signer's common name (the subject when it has none)."""
        return _common_name(self.certificate)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the signer certificate (hex)."""
        from cryptography.hazmat.primitives import serialization

        return hashlib.sha256(self.certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _common_name(cert: Any) -> str:
    from cryptography.x509.oid import NameOID

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def is_pkcs12(data: bytes) -> bool:
    """Whether ``data`` is a PKCS#12 archive (detected by its structure, not the file name)."""
    if data[:1] != b"\x30":
        return False
    # asn1crypto.tsp registers the timestamp OIDs; imported after asn1crypto has built its name -> OID
    # table (which reading a PKCS#12 file does), they could never be encoded by name in this process again
    from asn1crypto import pkcs12, tsp  # noqa: F401

    try:
        pfx = pkcs12.Pfx.load(data)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except (ValueError, TypeError, KeyError):
        return False


def _load_certs(data: bytes, what: str) -> list[Any]:
    from cryptography import x509

    try:
        if _PEM_CERT.search(data):
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise SigningKeyError(f"{what} holds no readable X.509 certificate ({exc}); give PEM "
                              "('-----BEGIN CERTIFICATE-----', one or more) or DER") from None


def _passphrase(explicit: bytes | None) -> bytes | None:
    if explicit is not None:
        return explicit
    env = os.environ.get(PASSPHRASE_ENV_VAR)
    return env.encode() if env else None


def _load_key(data: bytes, path: Path, passphrase: bytes | None) -> Any:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    load = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    try:
        return load(data, password=passphrase)
    except TypeError:
        if passphrase is None:
            raise SigningKeyError(f"signing key file {str(path)!r} is encrypted; set {PASSPHRASE_ENV_VAR} to its "
                                  "passphrase (auditkit never prompts)") from None
        raise SigningKeyError(f"signing key file {str(path)!r} is not encrypted, but {PASSPHRASE_ENV_VAR} is set; "
                              "unset it") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        if passphrase is not None and b"ENCRYPTED" in data:
            raise SigningKeyError(f"signing key file {str(path)!r} cannot be decrypted with the passphrase in "
                                  f"{PASSPHRASE_ENV_VAR}: wrong passphrase") from None
        raise SigningKeyError(f"signing key file {str(path)!r} holds no readable private key ({exc}); "
                              + _KEY_HINT) from None


def _load_pkcs12(data: bytes, path: Path, passphrase: bytes | None) -> tuple[Any, Any, list[Any]]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    for attempt in ([passphrase] if passphrase is not None else [None, b""]):
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, attempt)
            break
        except ValueError:
            continue
    else:
        why = ("wrong passphrase in " + PASSPHRASE_ENV_VAR if passphrase is not None
               else f"it is encrypted: set {PASSPHRASE_ENV_VAR} to its passphrase (auditkit never prompts)")
        raise SigningKeyError(f"PKCS#12 file {str(path)!r} cannot be opened: {why}")
    if key is None or cert is None:
        raise SigningKeyError(f"PKCS#12 file {str(path)!r} holds no {'private key' if key is None else 'certificate'}"
                              "; export the signer's key together with its certificate")
    return key, cert, list(extra)


def _spki(obj: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return obj.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _issued_by(cert: Any, issuer: Any) -> bool:
    """Whether ``issuer`` issued ``cert`` (names match and the certificate's signature verifies)."""
    if cert.issuer != issuer.subject:
        return False
    from cryptography.exceptions import InvalidSignature

    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _order_chain(cert: Any, others: Iterable[Any]) -> tuple[tuple[Any, ...], bool]:
    """The CA certificates from the signer upwards (then the unrelated ones), and whether a self-signed root ends it."""
    pool = [c for c in others if c != cert]
    path, current = [], cert
    while True:
        if _issued_by(current, current):
            return tuple(path + [c for c in pool if c not in path]), True
        nxt = next((c for c in pool if c not in path and _issued_by(current, c)), None)
        if nxt is None:
            return tuple(path + [c for c in pool if c not in path]), False
        path.append(nxt)
        current = nxt


def describe_private_key(data: bytes) -> str | None:
    """What kind of private key a PEM/DER file holds ("RSA", "EC", "encrypted"), or None when it holds none."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    load = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    try:
        key = load(data, password=None)
    except TypeError:
        return "encrypted"
    except (ValueError, UnsupportedAlgorithm):
        return None
    return type(key).__name__.removeprefix("_").removesuffix("PrivateKey").removesuffix("Elliptic") or "unknown"


def load_pades_identity(key: str | Path, cert: str | Path | None = None, chain: Sequence[str | Path] = (),
                        passphrase: bytes | None = None) -> PadesIdentity:
    """Load a PAdES signer: a PKCS#12 file (detected by content), or a private key plus certificate file(s).

    ``cert`` may be a PEM bundle: the certificate whose public key matches the private key is the
    signer's, the others are its chain; ``chain`` adds CA certificate files (PEM or DER). The
    passphrase of an encrypted key or archive comes from ``passphrase`` or ``$AUDITKIT_SIGN_PASSPHRASE``.
    Every problem is a :class:`SigningKeyError` naming the file and the fix.
    """
    key_path = Path(key)
    data = read_user_file(key_path, "signing key file", SigningKeyError, _KEY_HINT)
    secret = _passphrase(passphrase)
    certs: list[Any] = []
    if is_pkcs12(data):
        private, signer_cert, certs = _load_pkcs12(data, key_path, secret)
        certs.insert(0, signer_cert)
    else:
        if cert is None:
            raise SigningKeyError(f"signing key file {str(key_path)!r} is not a PKCS#12 file, so a PAdES signature "
                                  "needs its certificate: add --sign-cert CERT.pem")
        private = _load_key(data, key_path, secret)
    for extra in ([cert] if cert is not None else []) + list(chain):
        what = f"certificate file {str(extra)!r}"
        certs += _load_certs(read_user_file(extra, "certificate file", SigningKeyError,
                                            "give a PEM or DER X.509 certificate file"), what)
    if not hasattr(private, "sign"):
        raise SigningKeyError(f"signing key file {str(key_path)!r} holds a key that cannot sign; " + _KEY_HINT)
    own = _spki(private.public_key())
    signer = next((c for c in certs if _spki(c.public_key()) == own), None)
    if signer is None:
        where = f"{str(cert)!r}" if cert is not None else f"the PKCS#12 file {str(key_path)!r}"
        raise SigningKeyError(f"no certificate in {where} matches the private key in {str(key_path)!r}; give the "
                              "certificate issued for this key (--sign-cert)")
    ordered, complete = _order_chain(signer, dict.fromkeys(certs))
    return PadesIdentity(key_path, private, signer, ordered, complete)


def load_trust_roots(paths: Sequence[str | Path]) -> tuple[Any, ...]:
    """Trusted root certificates from PEM (one or more per file) or DER files (``auditkit verify --trust``)."""
    roots: list[Any] = []
    for p in paths:
        data = read_user_file(p, "trust root file", SigningKeyError, "give a PEM or DER CA certificate file")
        roots += _load_certs(data, f"trust root file {str(p)!r}")
    return tuple(roots)


# ---------------------------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class SignedPdf:
    """The result of :func:`pades_sign`: the signed bytes and what kind of signature was added."""

    pdf: bytes = field(repr=False)
    field_name: str
    signer: str
    level: str  # "B-B", "B-T" or "B-LT"
    timestamped: bool
    validation_data: bool  # certificates written to the DSS


def _asn1_cert(cert: Any) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _simple_signer(identity: PadesIdentity) -> Any:
    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    registry = SimpleCertificateStore.from_certs([_asn1_cert(c) for c in identity.chain])
    return signers.SimpleSigner(signing_cert=_asn1_cert(identity.certificate),
                                signing_key=keys.PrivateKeyInfo.load(der), cert_registry=registry)


def _writer_class() -> type:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKeepingWriter(IncrementalPdfFileWriter):
        """An incremental writer that leaves XMP and the info dictionary untouched (see the module docstring)."""

        def _update_meta(self) -> None:
            return None

    return MetadataKeepingWriter


def _existing_field_names(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    return set((PdfReader(io.BytesIO(pdf)).get_fields() or {}).keys())


def pdfa_declaration(pdf: bytes) -> tuple[str | None, str | None]:
    """``(pdfaid:part, pdfaid:conformance)`` of the XMP the last revision's catalog points to (None if absent)."""
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(pdf)).root_object.get("/Metadata")
    if meta is None:
        return None, None
    xmp = meta.get_object().get_data().decode("utf-8", "replace")
    found = []
    for name in ("part", "conformance"):
        m = re.search(rf'pdfaid:{name}\s*=\s*"([^"]*)"', xmp) or re.search(rf"<pdfaid:{name}>([^<]*)<", xmp)
        found.append(m.group(1) if m else None)
    return found[0], found[1]


def pades_sign(pdf: bytes, identity: PadesIdentity, *, reason: str, location: str | None = None,
               tsa_url: str | None = None, embed_validation: bool = True) -> SignedPdf:
    """Append one PAdES signature to ``pdf`` as an incremental update (see the module docstring for the levels).

    The result starts with ``pdf`` unchanged. A time-stamp authority that cannot be reached or refuses
    the request is a :class:`SigningKeyError` naming the URL.
    """
    try:
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
        from pyhanko.sign.validation import DocumentSecurityStore
    except ImportError as exc:
        raise _pyhanko_missing(exc) from None

    taken = _existing_field_names(pdf)
    n = 1
    while f"{FIELD_PREFIX}{n}" in taken:
        n += 1
    name = f"{FIELD_PREFIX}{n}"
    try:
        writer = _writer_class()(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningKeyError(f"the PDF cannot be read for signing ({exc})") from None
    validation = embed_validation and identity.chain_complete
    if validation:
        DocumentSecurityStore.supply_dss_in_writer(
            writer, None, certs=[_asn1_cert(c) for c in (identity.certificate, *identity.chain)])
    meta = signers.PdfSignatureMetadata(field_name=name, reason=reason, location=location, name=identity.common_name,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    stamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT_S) if tsa_url else None
    out = io.BytesIO()
    try:
        signers.PdfSigner(meta, signer=_simple_signer(identity), timestamper=stamper,
                          new_field_spec=fields.SigFieldSpec(name)).sign_pdf(writer, output=out)
    except Exception as exc:
        if tsa_url and _is_network_error(exc, TimestampRequestError):
            raise SigningKeyError(f"the time-stamp authority --tsa {tsa_url} could not be reached or refused the "
                                  f"request ({type(exc).__name__}: {exc}); check the URL and the network, or sign "
                                  "without --tsa (PAdES B-B)") from None
        raise
    signed = out.getvalue()
    if not signed.startswith(pdf):  # an incremental update never rewrites earlier bytes
        raise AssertionError("pyHanko rewrote the signed PDF instead of appending to it")
    before, after = pdfa_declaration(pdf), pdfa_declaration(signed)
    if before != after:
        raise AssertionError(f"signing changed the PDF/A declaration from {before} to {after}")
    level = "B-LT" if stamper and validation else "B-T" if stamper else "B-B"
    return SignedPdf(signed, name, identity.common_name, level, stamper is not None, validation)


def _is_network_error(exc: BaseException, tsp_error: type) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (tsp_error, OSError, asyncio.TimeoutError)) or type(seen).__module__.startswith("aiohttp"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False



# ---------------------------------------------------------------------------------------------- validation


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
    for asn1_cert, cert in parsed:
        if _issued_by(cert, cert):
            continue
        issuers = [c for c in candidates if c.subject == cert.issuer and c is not cert]
        if any(_issued_by(cert, i) for i in issuers):
            continue
        cn = _name_of(asn1_cert)[0]
        if issuers:
            problems.append(f"{what} embeds the certificate of {cn}, whose signature does not verify under its issuer")
        elif (asn1_cert.issuer.dump(), asn1_cert.serial_number) not in signer_ids:
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
    context = ValidationContext(trust_roots=[_asn1_cert(r) for r in roots], allow_fetching=False)
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
            return PadesValidation((), 0, len(pdf), f"the file has signatures, but {_pyhanko_missing(exc)}")
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

__all__ = [
    "FIELD_PREFIX",
    "PASSPHRASE_ENV_VAR",
    "PadesCheck",
    "PadesIdentity",
    "PadesSignatureStatus",
    "PadesValidation",
    "SignedPdf",
    "bytes_after_last_signature",
    "describe_private_key",
    "is_pkcs12",
    "load_pades_identity",
    "load_trust_roots",
    "pades_checks",
    "pades_sign",
    "pdfa_declaration",
    "validate_pades",
]
