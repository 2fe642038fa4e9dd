"""What renders a report: auditkit's version and code, its templates, and the PDF toolchain's versions.

The manifest records it (``renderer``), so that ``auditkit verify`` can tell a report this
installation should reproduce byte for byte from one made by another auditkit or WeasyPrint, whose
re-rendering may legitimately differ. Two fingerprints cover what the HTML depends on: the SHA-256 of
the shipped templates (Jinja2, CSS, fonts) and of auditkit's own Python sources (views, catalogues,
formatting); the PDF bytes also depend on WeasyPrint, pydyf and fontTools, recorded by version.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from auditkit.resources import resource_dir

_PACKAGE = Path(__file__).resolve().parent.parent
#: The distributions whose versions change the PDF bytes for the same HTML.
PDF_TOOLCHAIN = ("weasyprint", "pydyf", "fonttools")


def _tree_sha256(root: Path, pattern: str) -> str:
    """SHA-256 over the relative path and bytes of every file under ``root`` matching ``pattern``, sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def renderer() -> dict[str, str]:
    """This installation's renderer: auditkit's version, code and templates fingerprints, PDF toolchain versions.

    Computed once per process (hashing the sources takes a few milliseconds).
    """
    from auditkit import __version__

    info = {
        "auditkit": __version__,
        "code_sha256": _tree_sha256(_PACKAGE, "*.py"),
        "templates_sha256": _tree_sha256(resource_dir("templates"), "*"),
    }
    info.update({name: _version(name) for name in PDF_TOOLCHAIN})
    return info


def renderer_differences(recorded: dict[str, str] | None) -> list[str]:
    """What differs between a recorded renderer and this one (``["not recorded"]`` when there is none)."""
    if not recorded:
        return ["not recorded"]
    mine = renderer()
    return [f"{key} {recorded.get(key, '?')} → {mine[key]}" for key in mine if recorded.get(key) != mine[key]]


__all__ = ["PDF_TOOLCHAIN", "renderer", "renderer_differences"]
