"""The counterfactual sweep's mediation evidence on a decoder: patched pairs, or a note saying why none could be."""

from __future__ import annotations

from pathlib import Path

import torch
from tiny_decoder import ANSWERS, PROMPT, save_tiny_decoder, words_of

from auditkit.adapters.hf_causal import load_hf_causal_adapter
from auditkit.checks._mediation import mediation
from auditkit.counterfactual.lexicon import load_lexicons
from auditkit.policy.model_specs import ModelSpec

TEXTS = ["she liked the food", "he said it was good", "she was rude", "he was kind and she was not"]


def _run(tmp_path: Path, male_term: str):
    words = [w for t in [*TEXTS, male_term] for w in words_of(t)]
    model_dir = save_tiny_decoder(tmp_path / "decoder", words)
    adapter = load_hf_causal_adapter(ModelSpec(type="huggingface-causal", path=str(model_dir), prompt=PROMPT,
                                               answers=ANSWERS), base_dir=model_dir, device=torch.device("cpu"),
                                     feature_names=[])
    (tmp_path / "lex.tsv").write_text(f"female\tmale\nshe\t{male_term}\n")
    lexicon = load_lexicons([str(tmp_path / "lex.tsv")], ["female", "male"], attribute="gender", base_dir=None)
    return mediation(adapter, TEXTS, lexicon, exclude_terms=[], max_pairs=20, top_k=5, head_layers=1, seed=0)


def test_aligned_pairs_are_patched(tmp_path):
    out = _run(tmp_path, "he")
    assert out.details["pairs_used"] == 3 and out.details["pairs_skipped"] == 0  # the last text names both
    assert [t.title.key for t in out.tables] == ["counterfactual_sweep.table.mediation_layers",
                                                 "counterfactual_sweep.table.mediation_components"]
    assert out.charts and out.charts[0]["type"] == "bars"


def test_no_aligned_pair_leaves_a_note_not_an_error(tmp_path):
    """'she' ↔ 'the man' changes every prompt's length: nothing can be patched, and the sweep must not fail."""
    out = _run(tmp_path, "the man")
    assert [n.key for n in out.notes] == ["counterfactual_sweep.note.mediation_unaligned"]
    assert out.tables == [] and out.charts == [] and out.details == {}
