"""What a run records about where it ran: package versions, Python, platform, device.

Stored with every run (EU AI Act Annex IV 2(g); methods.md D9) so that a
result can be reproduced and a reviewer can see exactly which tools produced it.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from typing import Any

#: Distributions whose versions change results or reports.
PACKAGES = (
    "auditkit", "torch", "transformers", "tokenizers", "captum", "shap", "numpy", "scipy", "scikit-learn",
    "statsmodels", "pandas", "pydantic", "sqlalchemy", "alembic", "jinja2", "weasyprint", "concept-erasure",
)


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution, or ``"not installed"``."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def capture_environment(device: str) -> dict[str, Any]:
    """The environment record stored with a run."""
    env: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "device": device,
        "packages": package_versions(),
    }
    if device.startswith("cuda"):
        import torch

        env["cuda_device"] = torch.cuda.get_device_name(torch.device(device))
        env["cuda_version"] = torch.version.cuda
    return env


#: Environment variables CI systems set to the commit being built, in the order they are tried
#: (GitHub Actions, GitLab CI, Jenkins and most others that follow its convention).
COMMIT_ENV_VARS = ("GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT")


def ci_commit(environ: dict[str, str] | None = None) -> str | None:
    """The version-control commit a CI job is building, from the first of :data:`COMMIT_ENV_VARS` set, or None.

    Stored with the run so an audit can be traced to the exact code and model
    it gated; ``auditkit run --commit`` (``commit=`` in the API) overrides it.
    """
    env = os.environ if environ is None else environ
    for name in COMMIT_ENV_VARS:
        value = (env.get(name) or "").strip()
        if value:
            return value
    return None
