"""Model files named in a policy: resolving them against the policy's directory and hashing their bytes.

Every adapter that reads a file (torch weights and factories, skops/pickle
estimators, XGBoost/LightGBM boosters, ONNX graphs) resolves the policy's path
the same way and reports a missing file with the same message, naming the
policy field; black-box adapters fingerprint the file's bytes with the data
layer's :func:`~auditkit.data.fingerprint.file_sha256` (one hashing routine for data and models).
"""

from __future__ import annotations

from pathlib import Path

from auditkit.data.fingerprint import file_sha256
from auditkit.errors import ModelError

__all__ = ["file_sha256", "resolve_file"]


def resolve_file(value: str, *, base_dir: Path, field: str) -> Path:
    """Resolve a path from the policy against ``base_dir``; ModelError naming ``field`` if it is missing."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "was not found"
        raise ModelError(
            f"{field}: {path} {what} (given as {value!r}; relative paths are resolved against the "
            f"policy's directory {base_dir}); fix the path in the policy"
        )
    return path
