"""A cheap audit of the credit sample for the Ray executor's tests and benchmark: every check family, small settings.

The sample's proxy-model policy with the statistics and each check's sampling cut down so one audit takes
seconds, and ``model.batch_size`` set below the audit rows so the shared pass is really split into row blocks
(8,000 rows, batches of 1,024: two workers get four batches each).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import yaml

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "credit" / "sample.py"

#: Rows per forward pass: a divisor of nothing in particular, so blocks fall on batch boundaries, not halves.
BATCH = 1024

CHECKS: list[dict[str, Any]] = [
    {"id": "accuracy", "kind": "performance", "severity": "major", "attributes": ["sex"],
     "thresholds": {"accuracy": {"min": 0.65}}},
    {"id": "sex-selection-parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
     "thresholds": {"demographic_parity_ratio": {"min": 0.8}, "equalized_odds_difference": {"max": 0.1}}},
    {"id": "sex-not-used", "kind": "prohibited_feature_use", "severity": "blocker", "attribute": "sex",
     "layers": ["net.1", "net.3"], "n_permutations": 49, "random_draws": 5, "max_probe_examples": 600,
     "max_fit_examples": 1000, "folds": 2, "input_resamples": 20, "attribution_examples": 40},
    {"id": "sex-counterfactual", "kind": "counterfactual_sweep", "severity": "blocker", "attribute": "sex"},
    {"id": "explanation-agreement", "kind": "attribution_agreement", "severity": "minor", "attributes": ["sex"],
     "n_examples": 40, "sanity_examples": 8, "seeds": 2, "ceiling_examples": 4, "random_orders": 2,
     "methods": ["integrated_gradients", "feature_ablation"]},
]


def prepare_sample(dest: Path) -> Path:
    """Write the credit sample's data and models into ``dest`` (its ``prepare``, loaded by path); ``dest``."""
    name = "credit_sample_for_ray_tests"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SAMPLE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    sys.modules[name].prepare(dest)
    return dest


def cheap_policy(sample_dir: Path, name: str = "policy-ray.yaml", *, system: str = "retail-credit-scorer") -> Path:
    """Write the cheap variant of ``sample_dir/policy.yaml`` next to it (same data and model files); its path."""
    doc = yaml.safe_load((sample_dir / "policy.yaml").read_text(encoding="utf-8"))
    doc["model"]["batch_size"] = BATCH
    doc["system"]["name"] = system
    doc["statistics"]["bootstrap"] = 200
    doc["checks"] = CHECKS
    doc["report"]["formats"] = ["html"]
    path = sample_dir / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
