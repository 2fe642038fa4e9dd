"""The huggingface-causal adapter: prompt layout, answer scoring, readouts and the policy's keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from pydantic import ValidationError
from tiny_decoder import ANSWERS, PROMPT, save_tiny_decoder, words_of

from auditkit.adapters import SupportsGradients, SupportsLayers, SupportsReadout, SupportsTokens, load_adapter
from auditkit.adapters.hf_causal import load_hf_causal_adapter
from auditkit.adapters.hooks import capture, replace_output
from auditkit.errors import ModelError
from auditkit.policy.model_specs import ModelSpec

TEXTS = ["the food was good", "bad service and cold food today", "she said it was fine", "he liked it",
         "good", "cold food and bad service , she said"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return save_tiny_decoder(tmp_path_factory.mktemp("decoder"), [w for t in TEXTS for w in words_of(t)])


def _adapter(model_dir: Path, **spec):
    fields = {"type": "huggingface-causal", "path": str(model_dir), "prompt": PROMPT, "answers": ANSWERS,
              "batch_size": 2, **spec}
    precision = fields.pop("run_precision", None)
    return load_hf_causal_adapter(ModelSpec(**fields), base_dir=model_dir, device=torch.device("cpu"),
                                  feature_names=[], precision=precision)


def test_capabilities_and_layers(model_dir):
    a = _adapter(model_dir)
    for proto in (SupportsGradients, SupportsLayers, SupportsTokens, SupportsReadout):
        assert isinstance(a, proto)
    assert list(a.named_layers()) == ["model.layers.0@span", "model.layers.0", "model.layers.1@span",
                                      "model.layers.1"]
    assert a.layer_aliases()["resid_1"] == "model.layers.1"


def test_scores_do_not_depend_on_the_batch(model_dir):
    """Left padding with position ids from each prompt's first token: alone, sorted or in order, same score."""
    a = _adapter(model_dir)
    batched = a.predict(TEXTS)
    alone = np.array([a.predict([t])[0] for t in TEXTS])
    in_order = a.predict(TEXTS, sort_by_length=False, batch_size=6)
    np.testing.assert_allclose(batched, alone, atol=1e-6)
    np.testing.assert_allclose(batched, in_order, atol=1e-6)
    ids, mask = a.prepare_inputs(TEXTS)
    np.testing.assert_allclose(torch.sigmoid(a.forward_func(ids, mask, output="logit")).numpy(), batched, atol=1e-6)


def test_score_is_the_favourable_answer_among_the_two(model_dir):
    """P(Yes) / (P(Yes) + P(No)) at the last prompt token, computed by hand from the model's logits."""
    a = _adapter(model_dir)
    tok = a.tokenizer
    prompt = PROMPT.replace("{text}", TEXTS[0])
    ids = torch.tensor([tok(prompt)["input_ids"]])
    logits = a.model(input_ids=ids).logits[0, -1]
    yes, no = tok.convert_tokens_to_ids(["Yes", "No"])
    expected = torch.softmax(logits[[yes, no]], dim=0)[0].item()
    assert a.predict([TEXTS[0]])[0] == pytest.approx(expected, abs=1e-6)


def test_multi_token_answers_sum_their_log_probabilities(model_dir):
    a = _adapter(model_dir, answers={"favourable": " Yes good", "unfavourable": " No"})
    assert a.codec.answer_ids[0] == a.tokenizer(" Yes good", add_special_tokens=False)["input_ids"]
    tok = a.tokenizer
    text = TEXTS[1]
    prompt_ids = tok(PROMPT.replace("{text}", text))["input_ids"]
    fav = a.codec.answer_ids[0]
    logp = torch.log_softmax(a.model(input_ids=torch.tensor([prompt_ids + fav[:1]])).logits[0], dim=-1)
    lf = logp[len(prompt_ids) - 1, fav[0]] + logp[len(prompt_ids), fav[1]]
    lu = logp[len(prompt_ids) - 1, a.codec.answer_ids[1][0]]
    assert a.predict([text])[0] == pytest.approx(torch.sigmoid(lf - lu).item(), abs=1e-5)
    ids, mask = a.prepare_inputs(TEXTS)
    np.testing.assert_allclose(a.forward_func(ids, mask).detach().numpy(), a.predict(TEXTS), atol=1e-6)


def test_text_span_word_ids_and_reference(model_dir):
    a = _adapter(model_dir)
    enc = a.encode(TEXTS)
    assert torch.equal(enc.span, a.codec.span_of(enc.input_ids))
    for i, text in enumerate(TEXTS):
        span_ids = enc.input_ids[i][enc.span[i]].tolist()
        assert span_ids == a.tokenizer(text, add_special_tokens=False)["input_ids"]
    words = a.word_ids(TEXTS)
    assert [[w is not None for w in row] for row in words] == enc.span.tolist()
    ref = a.reference_input_ids(enc.input_ids)
    assert torch.equal(ref[~enc.span], enc.input_ids[~enc.span])
    assert bool((ref[enc.span] == a.tokenizer.pad_token_id).all())


def test_special_tokens_in_a_text_are_plain_text(model_dir):
    a = _adapter(model_dir)
    enc = a.encode(["good <s> </s> <pad>"])
    assert a.tokenizer.convert_tokens_to_ids("<pad>") not in enc.input_ids[0][enc.span[0]].tolist()


def test_capture_reads_the_last_token_and_the_span_in_input_order(model_dir):
    a = _adapter(model_dir)
    with capture(a, ["resid_1", "resid_0@span"], len(TEXTS)) as cap:
        a.predict(TEXTS)  # sorted by length: hooks see the rows out of order
    got = cap.tensors()
    enc = a.encode(TEXTS)
    with torch.no_grad():
        out = a.model(input_ids=enc.input_ids, attention_mask=enc.attention_mask, position_ids=enc.position_ids,
                      output_hidden_states=True)
    hs = out.hidden_states  # (embeddings, block 0, block 1); the last is after the final norm in Llama
    block0 = hs[1]
    m = enc.span.unsqueeze(-1).float()
    torch.testing.assert_close(got["model.layers.0@span"], (block0 * m).sum(1) / m.sum(1), atol=1e-5, rtol=1e-5)
    with capture(a, ["model.layers.1"], len(TEXTS), rows=np.array([1, 4])) as cap2:
        a.predict(TEXTS)
    torch.testing.assert_close(cap2.tensors()["model.layers.1"], got["model.layers.1"][[1, 4]])


def test_an_edit_changes_only_the_readout_positions(model_dir):
    a = _adapter(model_dir)
    with replace_output(a, "resid_1", lambda h: torch.zeros_like(h)):  # the last block, last token: logits 0
        np.testing.assert_allclose(a.predict(TEXTS), 0.5, atol=1e-6)
    with replace_output(a, "resid_0@span", lambda h: h):  # the identity edit changes nothing
        np.testing.assert_allclose(a.predict(TEXTS), _adapter(model_dir).predict(TEXTS), atol=1e-6)


def test_precision_is_applied_and_recorded(model_dir):
    a = _adapter(model_dir, run_precision="bf16")
    info = a.describe()
    assert (info["precision"], info["dtype"], info["precision_requested"]) == ("bf16", "bfloat16", "auto")
    assert _adapter(model_dir).describe()["precision"] == "fp32"  # auto on the CPU
    diff = np.abs(a.predict(TEXTS) - _adapter(model_dir).predict(TEXTS)).max()
    assert 0 < diff < 0.02


def test_precision_flag_is_refused_for_other_model_types(tmp_path):
    spec = ModelSpec(type="xgboost", path="m.json")
    with pytest.raises(ModelError, match="--precision applies to huggingface-causal"):
        load_adapter(spec, base_dir=tmp_path, device=torch.device("cpu"), feature_names=["a"], precision="bf16")


@pytest.mark.parametrize(("fields", "message"), [
    ({"prompt": "no placeholder"}, "exactly once"),
    ({"prompt": "{text} and {text}"}, "exactly once"),
    ({"favourable_output": 0}, "favourable_output"),
    ({"answers": {"favourable": " Yes", "unfavourable": " Yes"}}, "must differ"),
    ({"options": {"dtype": "bfloat16"}}, "precision"),
])
def test_policy_mistakes_are_named(fields, message):
    base = {"type": "huggingface-causal", "path": "m", "prompt": PROMPT, "answers": ANSWERS}
    with pytest.raises(ValidationError, match=message):
        ModelSpec(**{**base, **fields})


def test_chat_template_wraps_the_prompt(model_dir, tmp_path):
    import shutil

    chat_dir = tmp_path / "chat"
    shutil.copytree(model_dir, chat_dir)
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(chat_dir)
    tok.chat_template = ("{% for m in messages %}<s> user : {{ m['content'] }} </s>{% endfor %}"
                         "{% if add_generation_prompt %} assistant :{% endif %}")
    tok.save_pretrained(chat_dir)
    a = _adapter(chat_dir, chat=True)
    assert a.codec.prefix_text == "<s> user : Text : "
    assert a.codec.suffix_text.endswith("</s> assistant :")
    assert a.predict(TEXTS).shape == (len(TEXTS),)
    with pytest.raises(ModelError, match="no chat template"):
        _adapter(model_dir, chat=True)


def test_a_template_longer_than_max_length_is_refused(model_dir):
    with pytest.raises(ModelError, match=r"raise model\.max_length"):
        _adapter(model_dir, max_length=8)


def test_attributions_cover_the_text_words_only(model_dir):
    """Word attributions of a decoder's answer: the audit text's words, never the template's; IG is complete."""
    from auditkit.explain import explain, text_job

    a = _adapter(model_dir)
    texts = TEXTS[:4]
    job = text_job(a, texts, np.arange(len(texts)))
    assert job.words[0] == ("the", "food", "was", "good") and job.words[3] == ("he", "liked", "it")
    _, _, token_word = job.chunk(0, len(texts))
    assert bool(((token_word >= 0) == a.encode(texts).span).all())  # exactly the text span carries words
    ig = explain("integrated_gradients", job)
    assert ig.values.shape == (4, 6) and ig.features == job.words  # the longest text has 6 words
    assert np.abs(ig.delta).max() < 0.05 * max(np.abs(np.nansum(ig.values, axis=1)).max(), 1e-3)
    ablation = explain("feature_ablation", job)
    assert np.array_equal(np.isfinite(ablation.values), np.isfinite(ig.values))
