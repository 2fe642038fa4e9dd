"""``attribution_agreement`` on a wide one-hot model against the 20-column sample (issue #16 item 5).

    python benchmarks/bench_wide.py [--quick] [--device auto|cpu|cuda] [--threads N] [--before]

German Credit as a torch MLP has 57 input columns (7 numeric, 13 categorical variables one-hot encoded into 50
columns); Kernel SHAP over 57 single columns made the agreement check most of the audit. This builds such data
synthetically (1,000 rows), trains a small MLP on it and runs the whole check with its defaults, against the same
check on a 20-column numeric model with the same rows. Figures, each a ratio of wall-clock times (target ≤ 10×):

* ``wide.grouped``: the default: one-hot blocks are detected, so 20 variables are explained;
* ``wide.ungrouped``: ``detect_one_hot: false``, 57 single columns;
  (both with the default methods, whose Shapley values are sampled antithetically, ``shapley_sampling``);
* ``wide.before`` (only with ``--before``; minutes): 57 single columns with Kernel SHAP, as before the change.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from harness import parse_bench_args  # noqa: E402

ROWS = 1000
NUMERIC = 7
#: Categories of the 13 categorical variables (German Credit's: 50 one-hot columns in all).
LEVELS = [4, 5, 10, 5, 5, 4, 3, 4, 3, 3, 4, 2, 2]

MODEL = '''
import numpy as np
import pandas as pd
import torch
from torch import nn


def build(data: str, features: str, seed: int = 0):
    """A 64-64 ReLU MLP trained briefly (full batch, Adam) on the benchmark's labels: deterministic per seed."""
    torch.manual_seed(seed)
    cols = features.split(",")
    frame = pd.read_csv(data)
    x = torch.tensor(frame[cols].to_numpy(np.float32))
    y = torch.tensor(frame["y"].to_numpy(np.float32))[:, None]
    model = nn.Sequential(nn.Linear(len(cols), 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        opt.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(model(x), y).backward()
        opt.step()
    return model.eval()
'''


def credit_like(rows: int = ROWS, seed: int = 0) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Rows with 7 numeric and 13 one-hot variables (57 columns), a 20-column numeric view, a label and sex."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"num{i}": rng.normal(size=rows) for i in range(NUMERIC)})
    logit = frame["num0"] - 0.8 * frame["num1"]
    for v, k in enumerate(LEVELS):
        codes = rng.integers(0, k, rows)
        effect = rng.normal(size=k)
        logit += 0.7 * effect[codes]
        for c in range(k):
            frame[f"cat{v}_A{c}"] = (codes == c).astype(float)
    wide = list(frame.columns)
    for i in range(20 - NUMERIC):
        frame[f"extra{i}"] = rng.normal(size=rows)
    narrow = [f"num{i}" for i in range(NUMERIC)] + [f"extra{i}" for i in range(20 - NUMERIC)]
    frame["y"] = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    frame["sex"] = rng.integers(0, 2, rows)
    return frame, wide, narrow


def write_policy(tmp: Path, features: list[str], check: dict) -> Path:
    policy = {
        "schema_version": 1,
        "policy": {"id": "wide", "version": 1, "effective_from": "2026-01-01", "approved_by": "bench"},
        "system": {"name": "wide", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build",
                  "options": {"data": str(tmp / "data.csv"), "features": ",".join(features)}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": features},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1]}],
        "statistics": {"seed": 7},
        "checks": [{"id": "agree", "kind": "attribution_agreement", **check}],
    }
    path = tmp / f"policy-{len(features)}-{len(check)}.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def time_check(policy: Path, device: str) -> tuple[float, object]:
    """Wall-clock seconds of the agreement check in one audit (the outcome's own duration), and the outcome."""
    import auditkit
    from auditkit.store import open_store

    with open_store(f"sqlite:///{policy.parent / 'audit.db'}") as store:
        start = time.perf_counter()
        run = auditkit.run_audit(policy, store=store, device=device, report=False)
        total = time.perf_counter() - start
    out = run.outcome("agree")
    seconds = getattr(out, "duration_s", None) or total
    return float(seconds), out


def methods_of(outcome: object) -> str:
    table = next(t for t in outcome.evidence.tables if t.title.key.endswith("table.methods.title"))
    return ", ".join(f"{r[0]} {r[5]:.1f}s" for r in table.rows if r[5] is not None)


def bench_wide(device: str, quick: bool, before: bool = False) -> dict[str, float]:
    """Time the check on the 20-column and the 57-column model; print each time and its ratio."""
    check = {"n_examples": 60, "sanity_examples": 16, "ceiling_examples": 8} if quick else {}
    frame, wide, narrow = credit_like()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        frame.to_csv(tmp / "data.csv", index=False)
        (tmp / "model.py").write_text(MODEL)
        base, out = time_check(write_policy(tmp, narrow, check), device)
        print(f"wide.narrow20: {base:,.1f} s (20 columns; {methods_of(out)})", flush=True)
        ratios = {}
        cases = {"grouped": check, "ungrouped": {**check, "detect_one_hot": False}}
        if before:
            cases["before"] = {**check, "detect_one_hot": False,
                               "methods": ["integrated_gradients", "gradient_shap", "kernel_shap", "feature_ablation"]}
        for name, params in cases.items():
            seconds, out = time_check(write_policy(tmp, wide, params), device)
            ratios[name] = seconds / base
            print(f"wide.{name}: {seconds:,.1f} s (ratio {ratios[name]:.2f}× vs 20 columns, target ≤ 10×; "
                  f"{methods_of(out)})", flush=True)
    return ratios


def main(argv: list[str] | None = None) -> int:
    def extra(parser: object) -> None:
        parser.add_argument("--before", action="store_true", help="also time Kernel SHAP over 57 columns (minutes)")

    args, device = parse_bench_args(__doc__.splitlines()[0], argv, extra)
    bench_wide(device.type, args.quick, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
