"""A throw-away PKI for the PAdES tests: a root CA, signer certificates, and an RFC 3161 TSA on 127.0.0.1.

Everything is generated at test time (EC P-256 keys, fast); nothing is fetched. The time-stamp
authority is pyHanko's ``DummyTimeStamper`` behind :mod:`http.server` in a daemon thread, so
``--tsa http://127.0.0.1:PORT`` goes through pyHanko's real HTTP client.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Issued:
    """A key and the certificate issued for it."""

    key: Any
    cert: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self, passphrase: bytes | None = None) -> bytes:
        enc = (serialization.BestAvailableEncryption(passphrase) if passphrase
               else serialization.NoEncryption())
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "auditkit tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue(cn: str, issuer: Issued | None = None, *, ca: bool = False, tsa: bool = False) -> Issued:
    """A certificate for ``cn``: self-signed when ``issuer`` is None; a CA, a TSA or a document signer.

    EC P-256 keys, except the TSA's: pyHanko's test TSA signs with RSA only.
    """
    key = rsa.generate_private_key(65537, 2048) if tsa else ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(cn))
               .issuer_name(_name(cn) if issuer is None else issuer.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=60))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    signing_key = key if issuer is None else issuer.key
    return Issued(key, builder.sign(signing_key, hashes.SHA256()))


def pkcs12_bytes(who: Issued, chain: list[Issued], passphrase: bytes | None) -> bytes:
    enc = (serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"signer", who.key, who.cert, [c.cert for c in chain], enc)


@contextmanager
def tsa_server(tsa: Issued, root: Issued) -> Iterator[str]:
    """Serve an RFC 3161 TSA signing with ``tsa`` on 127.0.0.1; yield its URL."""
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    stamper = DummyTimeStamper(
        tsa_cert=asn1(tsa.cert),
        tsa_key=keys.PrivateKeyInfo.load(tsa.key.private_bytes(serialization.Encoding.DER,
                                                               serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption())),
        certs_to_embed=[asn1(root.cert)])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Pki:
    """Files of the test PKI in one directory."""

    root: Path  # root CA certificate (PEM): the --trust file
    ada_key: Path
    ada_cert: Path  # Ada's certificate followed by the root (a PEM bundle)
    grace_p12: Path  # Grace's key, certificate and the root in one PKCS#12 file (passphrase "s3cret")
    mallory_key: Path
    mallory_cert: Path  # issued by another, untrusted CA (its root in the bundle)
    ca: Issued
    tsa: Issued


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = issue("auditkit test root CA", ca=True)
    other = issue("untrusted CA", ca=True)
    ada = issue("Ada Lovelace", ca)
    grace = issue("Grace Hopper", ca)
    mallory = issue("Mallory", other)
    tsa = issue("auditkit test TSA", ca, tsa=True)
    files = {
        "root.pem": ca.cert_pem,
        "ada.key": ada.key_pem(),
        "ada.pem": ada.cert_pem + ca.cert_pem,
        "grace.p12": pkcs12_bytes(grace, [ca], b"s3cret"),
        "mallory.key": mallory.key_pem(),
        "mallory.pem": mallory.cert_pem + other.cert_pem,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Pki(folder / "root.pem", folder / "ada.key", folder / "ada.pem", folder / "grace.p12",
               folder / "mallory.key", folder / "mallory.pem", ca, tsa)
