"""Who signs a PAdES signature and whom a verifier trusts: keys, certificates and trust roots.

``--sign-key`` is a PKCS#12 file (recognised by its structure, the certificate inside) or a PEM/DER
private key with ``--sign-cert`` (a certificate or a PEM bundle; more CA files with ``--sign-chain``);
the signer's certificate is the one whose public key matches the key, the others are ordered into a
chain towards a self-signed root when they form one. The passphrase of an encrypted key comes from
``$AUDITKIT_SIGN_PASSPHRASE`` (auditkit never prompts). Every mistake is a
:class:`~auditkit.report.signing.SigningKeyError` naming the file and the fix.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit.errors import read_user_file
from auditkit.report.signing import SigningKeyError

#: Environment variable with the passphrase of an encrypted key or PKCS#12 file (auditkit never prompts).
PASSPHRASE_ENV_VAR = "AUDITKIT_SIGN_PASSPHRASE"

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----")
_KEY_HINT = ("give a PEM or DER private key (RSA, EC or Ed25519) with --sign-cert CERT.pem, or a PKCS#12 "
             "file (.p12/.pfx) holding key and certificate")


def pyhanko_missing(exc: ImportError) -> SigningKeyError:
    """The error for a PAdES operation when pyHanko is not importable."""
    return SigningKeyError(f"PAdES signatures need pyHanko ({exc}); install it with `pip install pyhanko`")


def asn1_cert(cert: Any) -> Any:
    """A ``cryptography`` certificate as the asn1crypto certificate pyHanko takes."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))



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


def issued_by(cert: Any, issuer: Any) -> bool:
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
        if issued_by(current, current):
            return tuple(path + [c for c in pool if c not in path]), True
        nxt = next((c for c in pool if c not in path and issued_by(current, c)), None)
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


__all__ = ["PASSPHRASE_ENV_VAR", "PadesIdentity", "asn1_cert", "describe_private_key", "is_pkcs12", "issued_by",
           "load_pades_identity", "load_trust_roots", "pyhanko_missing"]
