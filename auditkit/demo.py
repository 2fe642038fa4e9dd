"""``auditkit demo``: put the bundled credit-scoring sample in a working directory and prepare it.

The sample (``samples/credit/``) ships with auditkit. It is copied into the
demo directory so a user can read and edit its policies, then its generator
writes the data and trains the two models there (cached after the first run).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import types
from pathlib import Path

from auditkit.errors import AuditkitError
from auditkit.resources import resource_dir

#: Policies the demo audits, in order: the model that uses sex through a proxy, then the fair one.
DEMO_POLICIES = ("policy.yaml", "policy-fair.yaml")


def prepare_credit_sample(workdir: Path) -> list[Path]:
    """Copy the credit sample into ``workdir/credit``, generate its data and models; return its policies."""
    src = resource_dir("samples") / "credit"
    dest = Path(workdir) / "credit"
    dest.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.is_file() and item.suffix in (".py", ".yaml", ".md"):
            shutil.copy2(item, dest / item.name)
    module = _load_module(dest / "sample.py")
    module.prepare(dest)
    return [dest / name for name in DEMO_POLICIES]


def _load_module(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"auditkit_demo_sample_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        raise AuditkitError(f"cannot load the demo sample from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
