"""Locate the data directories auditkit ships: templates, policies, migrations, samples.

In the repository they live at the top level (``templates/``, ``policies/``,
``migrations/``, ``samples/``). A built wheel carries them inside the package as
``auditkit/_resources/<name>`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in ``pyproject.toml``). Every caller resolves them through :func:`resource_dir`,
so both layouts work and no other module guesses paths.
"""

from __future__ import annotations

from pathlib import Path

from auditkit.errors import AuditkitError

_KNOWN = ("templates", "policies", "migrations", "samples")
_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the directory of the shipped resource ``name``.

    Looks first inside the installed package (wheel layout), then at the
    repository root (source checkout or editable install).
    """
    if name not in _KNOWN:
        raise ValueError(f"unknown resource {name!r}; known: {', '.join(_KNOWN)}")
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise AuditkitError(
        f"auditkit's {name}/ directory was not found next to the package ({_PACKAGE}); "
        "the installation is incomplete: reinstall auditkit (pip install --force-reinstall auditkit)"
    )
