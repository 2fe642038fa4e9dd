"""Optional Ed25519 signature of a report's ``manifest.json``.

A user who supplies a private key file (``--sign-key FILE`` or
``AUDITKIT_SIGNING_KEY``) gets two more PDF attachments:

* ``manifest.sig``: the Ed25519 signature over the exact bytes of
  ``manifest.json``, base64 encoded (standard alphabet, one line, trailing
  newline; 64 bytes once decoded);
* ``manifest.pub.pem``: the matching public key as a PEM
  ``SubjectPublicKeyInfo`` block (``-----BEGIN PUBLIC KEY-----``).

Because the manifest holds the SHA-256 of every other attachment, of the model,
the data and the HTML rendition, the signature covers all of them. Ed25519 is
deterministic, so the same key and run give the same PDF bytes. The embedded
public key only proves the files were not changed after signing; whether the key
belongs to the right person is checked against a key the verifier trusts
(``auditkit verify --public-key``).

Key files: an unencrypted PEM private key (PKCS#8, ``-----BEGIN PRIVATE KEY-----``,
as written by ``openssl genpkey -algorithm ed25519``) or an OpenSSH private key
without passphrase. Encrypted keys are refused, since auditkit never prompts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditkit.errors import AuditkitError, read_user_file
from auditkit.report.model import AttachmentView

SIGNATURE_NAME = "manifest.sig"
PUBLIC_KEY_NAME = "manifest.pub.pem"
#: Environment variable naming the signing key file when ``--sign-key`` is not given.
SIGNING_KEY_ENV_VAR = "AUDITKIT_SIGNING_KEY"


class SigningKeyError(AuditkitError):
    """A signing or public key file is missing, unreadable, encrypted or not an Ed25519 key."""


@dataclass(frozen=True)
class ManifestSignature:
    """An Ed25519 signature of a manifest and the public key that checks it."""

    public_key_pem: bytes
    signature: bytes = field(repr=False)

    @property
    def key_fingerprint(self) -> str:
        """SHA-256 of the raw 32-byte public key (hex): a short name for the key."""
        return public_key_fingerprint(_public_key(self.public_key_pem, "the embedded public key"))

    def attachments(self) -> tuple[AttachmentView, AttachmentView]:
        """``manifest.sig`` (base64 signature) and ``manifest.pub.pem`` as PDF attachments."""
        sig = base64.b64encode(self.signature) + b"\n"
        return (
            AttachmentView(SIGNATURE_NAME, "Ed25519 signature over manifest.json (base64)", "text/plain",
                           hashlib.sha256(sig).hexdigest(), f"{len(sig):,} bytes", sig, "Supplement"),
            AttachmentView(PUBLIC_KEY_NAME, "Ed25519 public key that checks manifest.sig (PEM)",
                           "application/x-pem-file", hashlib.sha256(self.public_key_pem).hexdigest(),
                           f"{len(self.public_key_pem):,} bytes", self.public_key_pem, "Supplement"),
        )


#: Turns the manifest bytes into their signature; ``render_report`` calls it once per PDF.
Signer = Callable[[bytes], ManifestSignature]


@dataclass(frozen=True)
class SigningKey:
    """A loaded Ed25519 private key and the file it came from."""

    path: Path
    key: Ed25519PrivateKey = field(repr=False)

    @property
    def public_key_pem(self) -> bytes:
        """The public key as PEM SubjectPublicKeyInfo."""
        return self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key (hex)."""
        return public_key_fingerprint(self.key.public_key())

    def sign(self, manifest: bytes) -> ManifestSignature:
        """Sign the manifest bytes (usable as a :data:`Signer`)."""
        return ManifestSignature(self.public_key_pem, self.key.sign(manifest))


def public_key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte Ed25519 public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _read(path: str | Path, what: str) -> bytes:
    return read_user_file(path, what, SigningKeyError, "give the path of an Ed25519 key file")


_KEY_HINT = ("expected an unencrypted Ed25519 private key in PEM (PKCS#8, '-----BEGIN PRIVATE KEY-----', "
             "e.g. from `openssl genpkey -algorithm ed25519 -out key.pem`) or OpenSSH format")


def load_signing_key(path: str | Path) -> SigningKey:
    """Load an Ed25519 private key for signing; :class:`SigningKeyError` says what is wrong with the file."""
    data = _read(path, "signing key file")
    loaders = (serialization.load_pem_private_key, serialization.load_ssh_private_key)
    key = None
    for load in loaders:
        try:
            key = load(data, password=None)
            break
        except TypeError as exc:  # encrypted key without password
            raise SigningKeyError(
                f"signing key file {str(path)!r} is encrypted ({exc}); auditkit does not prompt for "
                "passphrases: " + _KEY_HINT) from None
        except (ValueError, UnsupportedAlgorithm):
            continue
    if key is None:
        raise SigningKeyError(f"signing key file {str(path)!r} holds no readable private key; {_KEY_HINT}")
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            f"signing key file {str(path)!r} holds a {type(key).__name__.removeprefix('_')} key, not Ed25519; "
            + _KEY_HINT)
    return SigningKey(Path(path), key)


def _public_key(data: bytes, what: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SigningKeyError(f"{what} is not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{what} is a {type(key).__name__.removeprefix('_')}, not an Ed25519 public key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """A trusted Ed25519 public key from a PEM file (a private key file is accepted too: its public half)."""
    data = _read(path, "public key file")
    if b"PRIVATE KEY" in data:
        return load_signing_key(path).key.public_key()
    return _public_key(data, f"public key file {str(path)!r}")


def parse_public_key(pem: bytes) -> Ed25519PublicKey:
    """The embedded ``manifest.pub.pem`` as a key; :class:`SigningKeyError` when it is not one."""
    return _public_key(pem, f"the embedded {PUBLIC_KEY_NAME}")


def decode_signature(data: bytes) -> bytes:
    """The raw signature from ``manifest.sig`` (base64); :class:`SigningKeyError` when malformed."""
    try:
        raw = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SigningKeyError(f"{SIGNATURE_NAME} is not base64 ({exc})") from None
    if len(raw) != 64:
        raise SigningKeyError(f"{SIGNATURE_NAME} decodes to {len(raw)} bytes; an Ed25519 signature has 64")
    return raw


def signature_valid(key: Ed25519PublicKey, signature: bytes, manifest: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``manifest`` under ``key``."""
    try:
        key.verify(signature, manifest)
    except InvalidSignature:
        return False
    return True


__all__ = [
    "PUBLIC_KEY_NAME",
    "SIGNATURE_NAME",
    "SIGNING_KEY_ENV_VAR",
    "ManifestSignature",
    "Signer",
    "SigningKey",
    "SigningKeyError",
    "decode_signature",
    "load_public_key",
    "load_signing_key",
    "parse_public_key",
    "public_key_fingerprint",
    "signature_valid",
]
