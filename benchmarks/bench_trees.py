"""Tree-model throughput against the raw booster, in one process (issue #16 item 6).

    python benchmarks/bench_trees.py [--quick] [--device auto|cpu|cuda] [--threads N]

Needs XGBoost (``pip install "auditkit[xgboost]"``) and shap; prints a note and skips without them. One
XGBoost ``binary:logistic`` booster (150 trees of depth 4, 20 features, trained here with a fixed seed on one
thread, saved as JSON and loaded through auditkit's ``type: xgboost`` adapter). Raw calls use the adapter's
own booster, so both sides predict with the same trees and thread count (``--threads``; default all cores).

* ``trees_cf.*``: the raw ``booster.inplace_predict`` on every counterfactual variant row, pre-built and
  scored in one call, vs auditkit's sweep of a binary attribute (column 0) with one proxy (column 1):
  flip-only and propagated variants of every row generated, stacked and scored through the adapter
  (``tabular_sweep``), and ``adapter.predict`` on the pre-built rows. Target ≥ 0.85×.
  ``trees_cf.library_calls`` counts the booster calls the sweep makes (large blocks, never one per row).
* ``trees_shap.*``: raw ``shap.TreeExplainer`` (interventional, the same background as an ``Independent``
  masker, log-odds) vs ``explain("tree_shap", job)`` on the same instances (instances/s). Target ≥ 0.85×.
* ``trees_methods``: the attribution methods ``attribution_agreement`` compares on this adapter by
  default: TreeSHAP (exact, no model evaluations) in Kernel SHAP's place.

Timings are interleaved (raw, auditkit, raw, ...) and each ratio is the median over rounds of the paired ratio.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from harness import Section, parse_bench_args, time_interleaved  # noqa: E402

from auditkit.adapters import load_adapter  # noqa: E402
from auditkit.counterfactual.sweep import tabular_sweep  # noqa: E402
from auditkit.counterfactual.tabular import attribute_inputs, fit_proxy_maps, flip, propagate  # noqa: E402
from auditkit.policy.schema import ModelSpec  # noqa: E402

N_FEATURES, TREES, DEPTH = 20, 150, 4


def _data(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Rows with a binary attribute (column 0), a proxy of it (column 1), and a label that uses both."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, N_FEATURES)).astype(np.float32)
    group = (rng.random(rows) < 0.5).astype(np.int64)
    X[:, 0] = group
    X[:, 1] += 1.5 * group
    logit = X[:, 2] - 0.8 * X[:, 3] + 0.5 * X[:, 1] + 0.3 * X[:, 4] * X[:, 5]
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return X, group, y, [f"x{i}" for i in range(N_FEATURES)]


def _adapter(X: np.ndarray, y: np.ndarray, names: list[str], device: torch.device, workdir: Path, threads: int):
    """Train the booster (one thread, fixed seed), save it as JSON, load it through auditkit's adapter."""
    import xgboost as xgb

    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": DEPTH, "eta": 0.1,
              "nthread": 1, "seed": 0}
    booster = xgb.train(params, xgb.DMatrix(X, label=y, feature_names=names), num_boost_round=TREES)
    booster.save_model(str(workdir / "bench.json"))
    adapter = load_adapter(ModelSpec(type="xgboost", path="bench.json"), base_dir=workdir, device=device,
                           feature_names=names)
    adapter.tree_model.set_param({"nthread": threads})  # raw calls and the adapter share this booster
    return adapter


def bench_tree_sweep(adapter, X: np.ndarray, group: np.ndarray, names: list[str], repeats: int) -> dict[str, float]:
    """The counterfactual sweep (flip-only + propagated) vs raw inplace_predict over the same variant rows."""
    labels = np.where(group == 1, "b", "a")
    inputs = attribute_inputs(X, names, "x0", labels, ["a", "b"])
    maps = fit_proxy_maps(X, group, 2, [1], names)
    rows = [np.flatnonzero(group == a) for a in (0, 1)]
    # the rows the sweep scores, built once for the raw side: every row flipped, and propagated, to the other value
    variants = np.ascontiguousarray(np.concatenate(
        [flip(X[rows[a]], inputs, 1 - a) for a in (0, 1)]
        + [propagate(X[rows[a]], inputs, maps, a, 1 - a, rows[a])[0] for a in (0, 1)]), dtype=np.float32)
    booster = adapter.tree_model

    def raw() -> None:
        booster.inplace_predict(variants, validate_features=False)

    def sweep() -> None:
        tabular_sweep(adapter, X, group, 2, inputs, maps, ["flip_only", "propagated"])

    calls: list[int] = []
    block = adapter._class_probabilities
    adapter._class_probabilities = lambda x: (calls.append(len(x)), block(x))[1]  # count the library calls
    try:
        sweep()
    finally:
        del adapter._class_probabilities
    print(f"trees_cf.library_calls: the sweep scored {sum(calls):,} variant rows in {len(calls)} booster call(s) "
          f"(largest {max(calls):,} rows)", flush=True)
    timings = time_interleaved(
        {"raw_inplace_predict": raw, "sweep_flip_and_propagated": sweep,
         "adapter_predict": lambda: adapter.predict(variants)},
        warmup=1,
        repeats=repeats,
    )
    return Section("trees_cf", "variant rows/s").compare(timings, raw="raw_inplace_predict", items=len(variants))


def bench_tree_shap(adapter, X: np.ndarray, instances: int, repeats: int) -> dict[str, float]:
    """Raw shap.TreeExplainer vs auditkit's tree_shap method on the same instances and background."""
    from auditkit.explain import explain, tabular_job
    from auditkit.explain.base import import_shap

    shap = import_shap()
    rng = np.random.default_rng(1)
    x = X[rng.choice(X.shape[0], instances, replace=False)]
    background = X[rng.choice(X.shape[0], 100, replace=False)]
    job = tabular_job(adapter, x, np.arange(instances), background=background)
    bg64, x64 = background.astype(np.float64), x.astype(np.float64)

    def raw() -> None:
        masker = shap.maskers.Independent(bg64, max_samples=bg64.shape[0])
        explainer = shap.TreeExplainer(adapter.tree_model, data=masker, feature_perturbation="interventional",
                                       model_output="raw")
        explainer.shap_values(x64, check_additivity=False)

    timings = time_interleaved(
        {"raw_shap_tree_explainer": raw, "auditkit_tree_shap": lambda: explain("tree_shap", job)},
        warmup=1,
        repeats=repeats,
    )
    return Section("trees_shap", "instances/s").compare(timings, raw="raw_shap_tree_explainer", items=instances)


def run_all(device: torch.device, *, quick: bool) -> dict[str, float]:
    """Every tree figure; a printed note and nothing else when XGBoost or shap is missing."""
    missing = [m for m in ("xgboost", "shap") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"trees: skipped ({', '.join(missing)} not installed: pip install \"auditkit[xgboost]\" shap)")
        return {}
    from auditkit.checks.attribution_agreement import default_methods

    rows, instances, repeats = (20_000, 200, 5) if quick else (100_000, 1000, 11)
    X, group, y, names = _data(rows)
    with tempfile.TemporaryDirectory(prefix="auditkit-bench-trees-") as tmp:
        adapter = _adapter(X, y, names, device, Path(tmp), torch.get_num_threads())
    print(f"trees: xgboost binary:logistic, {TREES} trees of depth {DEPTH}, {N_FEATURES} features, {rows:,} rows; "
          f"nthread {torch.get_num_threads()}; batch {adapter.batch_size:,} rows per adapter call")
    methods = default_methods("tabular", adapter)
    print(f"trees_methods: attribution_agreement's default methods here: {', '.join(methods)} "
          f"(kernel_shap {'used' if 'kernel_shap' in methods else 'replaced by exact tree_shap'}; "
          "the gradient methods report 'not run' on a black box)")
    ratios = bench_tree_sweep(adapter, X, group, names, repeats)
    ratios.update(bench_tree_shap(adapter, X, instances, repeats))
    return ratios


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the tree benchmarks, print one line per figure."""
    args, device = parse_bench_args(__doc__.splitlines()[0], argv)
    run_all(device, quick=args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
