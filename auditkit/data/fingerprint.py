"""Dataset fingerprints: SHA-256 of the data file's bytes.

The run record stores it so that an audit can be tied to the exact file it
read; any change, even of one byte, gives a different fingerprint.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def bytes_sha256(raw: bytes) -> str:
    """Hex SHA-256 of bytes already read (the loader hashes exactly the bytes it parses)."""
    return hashlib.sha256(raw).hexdigest()


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
