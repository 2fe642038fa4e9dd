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

Keys and certificates: :mod:`.pades_keys`; validation: :mod:`.pades_validate`.

pyHanko is imported lazily, so the rest of auditkit works without it.
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass, field
from typing import Any

from auditkit.report.pades_keys import PadesIdentity, asn1_cert, pyhanko_missing
from auditkit.report.signing import SigningKeyError

#: Signature fields auditkit adds are named ``auditkit-signature-1``, ``-2``, ...
FIELD_PREFIX = "auditkit-signature-"
#: Seconds to wait for a time-stamp authority.
TSA_TIMEOUT_S = 20



@dataclass(frozen=True)
class SignedPdf:
    """The result of :func:`pades_sign`: the signed bytes and what kind of signature was added."""

    pdf: bytes = field(repr=False)
    field_name: str
    signer: str
    level: str  # "B-B", "B-T" or "B-LT"
    timestamped: bool
    validation_data: bool  # certificates written to the DSS



def _simple_signer(identity: PadesIdentity) -> Any:
    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    registry = SimpleCertificateStore.from_certs([asn1_cert(c) for c in identity.chain])
    return signers.SimpleSigner(signing_cert=asn1_cert(identity.certificate),
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
        raise pyhanko_missing(exc) from None

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
            writer, None, certs=[asn1_cert(c) for c in (identity.certificate, *identity.chain)])
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


__all__ = ["FIELD_PREFIX", "SignedPdf", "pades_sign", "pdfa_declaration"]
