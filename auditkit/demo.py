"""``auditkit demo``: put a bundled sample in a working directory and prepare it.

Each sample (``samples/<folder>/``) ships with auditkit: a self-contained
``sample.py`` (data generator, models, ``prepare(dest)``), its policies and a
README. The demo copies those files into ``<workdir>/<folder>`` so a user can
read and edit the policies, then calls ``prepare`` there, which writes the data
and trains the models (cached after the first run). :data:`SAMPLES` lists the
samples and the policies the demo audits, in order.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from auditkit.errors import AuditkitError
from auditkit.resources import resource_dir


@dataclass(frozen=True)
class DemoSample:
    """A bundled sample: where it lives, what to copy, which policies to audit (in order)."""

    folder: str
    title: str
    description: str
    files: tuple[str, ...]
    policies: tuple[str, ...]
    #: The function of the sample's ``sample.py`` that writes its data and models into a folder.
    prepare: str = "prepare"


#: The bundled samples by name. Policies are audited in the order given: the model that
#: should fail first, then the one that should pass.
SAMPLES: dict[str, DemoSample] = {
    "credit": DemoSample(
        folder="credit",
        title="credit scoring with small MLPs, Annex III 5(b)",
        description="credit-scoring sample (Annex III 5(b); data and two small MLPs, trained reproducibly)",
        files=("sample.py", "policy.yaml", "policy-fair.yaml", "README.md"),
        policies=("policy.yaml", "policy-fair.yaml"),
    ),
    "credit-trees": DemoSample(
        folder="credit",
        title="credit scoring with XGBoost trees and a logistic scorecard, Annex III 5(b)",
        description=(
            "credit-scoring sample on black-box models (Annex III 5(b); the same data, an XGBoost proxy/fair pair "
            "and a scikit-learn scorecard, trained reproducibly; needs XGBoost, scikit-learn and skops)"
        ),
        files=("sample.py", "policy-xgb.yaml", "policy-xgb-fair.yaml", "policy-scorecard.yaml", "README.md"),
        policies=("policy-xgb.yaml", "policy-xgb-fair.yaml", "policy-scorecard.yaml"),
        prepare="prepare_trees",
    ),
    "cv-screening": DemoSample(
        folder="cv-screening",
        title="CV screening with MiniLM text classifiers, Annex III 4(a)",
        description=(
            "CV-screening sample (Annex III 4(a); bios and two MiniLM text classifiers, heads trained reproducibly)"
        ),
        files=("sample.py", "policy.yaml", "policy-clean.yaml", "README.md"),
        policies=("policy.yaml", "policy-clean.yaml"),
    ),
    "llm-screening": DemoSample(
        folder="llm-screening",
        title="LLM screening with small decoder language models, Annex III 4(a)",
        description=(
            "LLM-screening sample (Annex III 4(a); bios, and decoders answering Yes or No to a screening prompt, "
            "trained reproducibly on the CPU)"
        ),
        files=("sample.py", "policy-leaky.yaml", "policy-blind.yaml", "policy-encoded-unused.yaml", "README.md"),
        policies=("policy-leaky.yaml", "policy-blind.yaml", "policy-encoded-unused.yaml"),
    ),
}
DEFAULT_SAMPLE = "credit"


def demo_sample(name: str) -> DemoSample:
    """The bundled sample called ``name``; an :class:`AuditkitError` naming the known samples otherwise."""
    try:
        return SAMPLES[name]
    except KeyError:
        raise AuditkitError(
            f"unknown demo sample {name!r}; known samples: {', '.join(SAMPLES)} "
            f"(e.g. auditkit demo --sample {DEFAULT_SAMPLE})"
        ) from None


def prepare_sample(name: str, workdir: Path) -> list[Path]:
    """Copy sample ``name`` into ``workdir/<folder>``, generate its data and models; return its policies."""
    sample = demo_sample(name)
    src = resource_dir("samples") / sample.folder
    missing = [f for f in sample.files if not (src / f).is_file()]
    if missing:
        raise AuditkitError(
            f"the {name} sample in {src} lacks {', '.join(missing)}; the installation is incomplete: "
            "reinstall auditkit (pip install --force-reinstall auditkit)"
        )
    dest = Path(workdir) / sample.folder
    dest.mkdir(parents=True, exist_ok=True)
    for file in sample.files:
        shutil.copy2(src / file, dest / file)
    module = _load_module(dest / "sample.py")
    try:
        getattr(module, sample.prepare)(dest)
    except ModuleNotFoundError as exc:  # e.g. the MiniLM encoder package of the cv-screening sample, or XGBoost
        raise AuditkitError(f"the {name} sample cannot be prepared: {exc}") from exc
    return [dest / policy for policy in sample.policies]


def _load_module(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"auditkit_demo_sample_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        raise AuditkitError(f"cannot load the demo sample from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
