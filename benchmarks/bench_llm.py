"""Decoder-LLM scoring and the SAE feature pass against raw model calls, in one process (issue #18).

    python benchmarks/bench_llm.py [--quick] [--device auto|cpu|cuda] [--threads N]

One randomly initialised (seeded) ``LlamaForCausalLM`` of about three million parameters (hidden 256, 4 layers,
8 heads, a word-level vocabulary of 2,000 words), saved and loaded through auditkit's ``huggingface-causal``
adapter; the audit texts are 20 to 120 random words, so prompts vary in length as real bios do. Throughput does
not depend on the weights, so the model is not trained.

* ``llm_score.*``: a raw loop of ``model(**batch)`` over the same prompts, tokenized and left-padded per batch in
  the same length-sorted batches, reading the last position's logits, vs ``adapter.predict`` (prompt layout,
  answer probabilities, scores back in input order). Target ≥ 0.9×.
* ``llm_sae.*``: the SAE feature pass on top of one forward pass: the shared pass capturing a residual-stream
  layer and encoding it with a TopK SAE (dictionary 2,048, k 32), and a pass whose layer output is replaced by
  the SAE reconstruction with 8 features ablated (the SAE section's intervention), each against the plain
  ``adapter.predict`` of the same texts. Target ≤ 1.3× the plain pass.
* ``llm_precision.*`` (CUDA only): fp32 vs bf16 throughput of ``adapter.predict`` and the share of decisions
  that agree.

Timings are interleaved (raw, auditkit, raw, ...) and each ratio is the median over rounds of the paired ratio.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
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
from harness import Section, Timing, parse_bench_args, time_interleaved  # noqa: E402

from auditkit.adapters.hf_causal import load_hf_causal_adapter  # noqa: E402
from auditkit.adapters.hooks import capture, replace_output  # noqa: E402
from auditkit.policy.model_specs import ModelSpec  # noqa: E402

PROMPT = "Application : {text} Question : should this candidate be shortlisted ? Answer :"
ANSWERS = {"favourable": " Yes", "unfavourable": " No"}
VOCAB = 2000
BATCH = 32


def _build(dest: Path, seed: int = 0) -> Path:
    """Save a seeded random Llama decoder (~3M parameters) and a word-level tokenizer to ``dest``."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = [f"w{i}" for i in range(VOCAB)] + ["Application", "Question", "should", "this", "candidate", "be",
                                                "shortlisted", "Answer", ":", "?", "Yes", "No"]
    vocab = {w: i for i, w in enumerate(["<pad>", "<unk>", "<s>", "</s>", *words])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                        pad_token="<pad>", padding_side="left")
    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig(vocab_size=len(vocab), hidden_size=256, intermediate_size=688,
                                         num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=8,
                                         max_position_embeddings=256, tie_word_embeddings=False))
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)
    return dest


def _texts(n: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(f"w{w}" for w in rng.integers(0, VOCAB, size=int(rng.integers(20, 121)))) for _ in range(n)]


def _raw_loop(adapter, texts: list[str]):
    """The raw baseline: per length-sorted batch, tokenize the prompt strings, ``model(**batch)``, last logits."""
    tok, model, device = adapter.tokenizer, adapter.model, adapter.device
    order = np.argsort([len(t.split()) for t in texts], kind="stable")
    prompts = [PROMPT.replace("{text}", texts[i]) for i in order]
    yes, no = tok.convert_tokens_to_ids(["Yes", "No"])

    def run() -> np.ndarray:
        out = []
        with torch.inference_mode():
            for start in range(0, len(prompts), BATCH):
                batch = tok(prompts[start:start + BATCH], padding=True, return_tensors="pt").to(device)
                logits = model(**batch).logits[:, -1]
                out.append(torch.softmax(logits[:, [yes, no]].float(), dim=-1)[:, 0].cpu())
        return torch.cat(out).numpy()

    return run


def bench_scoring(adapter, texts: list[str], repeats: int) -> None:
    """``llm_score.*``: the adapter's scoring against the raw loop (target >= 0.9x)."""
    section = Section("llm_score", "prompts/s")
    print(f"llm_score: {len(texts)} prompts, batch {BATCH}, {adapter.describe()['parameters']:,} parameters, "
          f"{adapter.device}")
    timings = time_interleaved({"raw_model_call": _raw_loop(adapter, texts),
                                "predict": lambda: adapter.predict(texts)}, repeats=repeats)
    section.compare(timings, raw="raw_model_call", items=len(texts))


def _cost(name: str, candidate: Timing, plain: Timing, target: float) -> None:
    """Print the candidate's time as a multiple of the plain pass (median over rounds of the paired ratio)."""
    ratio = statistics.median(c / p for c, p in zip(candidate.samples, plain.samples, strict=True))
    print(f"llm_sae.{name}: {ratio:.2f}x the plain pass's time (target <= {target}x)", flush=True)


def bench_sae(adapter, texts: list[str], repeats: int) -> None:
    """``llm_sae.*``: capture + SAE encoding, and an SAE-ablated pass, against the plain pass (target <= 1.3x)."""
    from auditkit.metrics.sae import train_topk_sae

    layer = "model.layers.2"
    with capture(adapter, [layer], len(texts)) as cap:
        adapter.predict(texts)
    acts = cap.tensors()[layer].float()
    sae = train_topk_sae(acts, dict_size=2048, k=32, seed=0, epochs=5).to(adapter.device)
    ablated = list(range(8))

    def encode_pass() -> None:
        with capture(adapter, [layer], len(texts)) as c:
            adapter.predict(texts)
        sae.encode(c.tensors()[layer].float())

    def ablate_pass() -> None:
        with replace_output(adapter, layer, lambda h: sae.ablate(h, ablated)):
            adapter.predict(texts)

    print(f"llm_sae: {len(texts)} prompts, SAE of 2048 features (k 32) at {layer}")
    timings = time_interleaved({"plain": lambda: adapter.predict(texts), "encode": encode_pass,
                                "ablate": ablate_pass}, repeats=repeats)
    _cost("capture_and_encode", timings["encode"], timings["plain"], 1.3)
    _cost("ablated_pass", timings["ablate"], timings["plain"], 1.3)


def bench_precision(directory: Path, texts: list[str], device: torch.device, repeats: int) -> None:
    """``llm_precision.*``: fp32 vs bf16 on CUDA (throughput and decision agreement)."""
    if device.type != "cuda":
        print("llm_precision: skipped (no CUDA device; fp32 vs bf16 is measured on a GPU)")
        return
    adapters = {p: load_hf_causal_adapter(_spec(directory), base_dir=directory, device=device,
                                          feature_names=[], precision=p) for p in ("fp32", "bf16")}
    section = Section("llm_precision", "prompts/s")
    timings = time_interleaved({p: (lambda a=a: a.predict(texts)) for p, a in adapters.items()}, repeats=repeats)
    section.compare(timings, raw="fp32", items=len(texts))
    d32, d16 = (a.decide(a.predict(texts)) for a in adapters.values())
    print(f"llm_precision.decision_agreement: {float(np.mean(d32 == d16)):.4f} of {len(texts)} decisions")


def _spec(directory: Path) -> ModelSpec:
    return ModelSpec(type="huggingface-causal", path=str(directory), prompt=PROMPT, answers=ANSWERS,
                     batch_size=BATCH, max_length=256)


def run_all(device: torch.device, quick: bool) -> None:
    n, repeats = (256, 3) if quick else (1024, 5)
    texts = _texts(n)
    with tempfile.TemporaryDirectory() as tmp:
        directory = _build(Path(tmp) / "decoder")
        adapter = load_hf_causal_adapter(_spec(directory), base_dir=directory, device=device, feature_names=[])
        bench_scoring(adapter, texts, repeats)
        bench_sae(adapter, texts, repeats)
        bench_precision(directory, texts, device, repeats)


def main(argv: list[str] | None = None) -> None:
    args, device = parse_bench_args(__doc__.splitlines()[0], argv)
    run_all(device, args.quick)


if __name__ == "__main__":
    main()
