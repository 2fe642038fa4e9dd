"""The text counterfactual sweep: lexicon substitution, bulk scoring, paired results and report material.

:func:`sweep_text` rewrites every text whose attribute value is clear into each
other value (:func:`auditkit.counterfactual.text.text_variants`), scores all
rewritten texts in one ``predict`` call (tokenized once per batch, batched by
length), pairs them with the original scores of the shared pass, and lays out
coverage, exclusions, the word pairs involved and the largest changes with both
texts side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from auditkit.adapters.base import ModelAdapter
from auditkit.counterfactual import details
from auditkit.counterfactual.analysis import PairResult, SweepOutcome, ctf_by_group, pair_result
from auditkit.counterfactual.lexicon import Lexicon
from auditkit.counterfactual.sweep import predict_variants
from auditkit.counterfactual.text import Substituter, TextVariants, text_variants

#: Longest text shown in a table cell (characters); longer texts are cut with an ellipsis.
MAX_SHOWN = 400


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1].rstrip() + "…"


def sweep_text(
    *, adapter: ModelAdapter, texts: Sequence[str], lexicon: Lexicon, attribute: str, scores: np.ndarray,
    decisions: np.ndarray, example_id: Callable[[int], str], exclude_terms: Sequence[str], top_changes: int,
    inv_threshold: float, resamples: int, level: float, rng: np.random.Generator,
) -> SweepOutcome:
    """Run the text sweep for one attribute (see the module docstring)."""
    values = lexicon.values
    out = SweepOutcome(attribute=attribute, values=values)
    variants = text_variants(texts, Substituter(lexicon), exclude_terms=exclude_terms)
    sources = "; ".join(f"{f}, SHA-256 {d}" for f, d in zip(lexicon.files, lexicon.digests, strict=True))
    out.notes.append(
        f"Lexicon {lexicon.name} ({sources}): {lexicon.pair_count} rows of counterparts for "
        f"{', '.join(values)}. Substitution is case-preserving, on word boundaries, longest match first, every "
        "mention; mentions of the target value are swapped back (as in counterfactual data augmentation). Pronoun "
        "case (her → his/him) is resolved by the next word, a heuristic without a POS tagger."
    )
    out.tables += [_coverage_table(variants, values), _exclusion_table(variants, values, example_id)]
    if not variants.texts:
        reasons = "; ".join(f"{r} ({len(v)})" for r, v in variants.exclusions.items())
        out.skipped = (f"no text could be rewritten: none of the {variants.n_texts} texts yields a counterfactual "
                       f"with lexicon {lexicon.name} ({reasons})")
        return out
    s_cf = predict_variants(adapter, variants.texts)
    y_cf = adapter.decide(s_cf)
    results: list[PairResult] = []
    positions: dict[tuple[int, int], np.ndarray] = {}
    for a in range(len(values)):
        for b in range(len(values)):
            keep = np.flatnonzero((variants.source == a) & (variants.target == b))
            if a == b or keep.size == 0:
                continue
            positions[(a, b)] = keep
            results.append(pair_result("text", a, b, variants.example[keep], scores, decisions, s_cf[keep],
                                       y_cf[keep], level=level, resamples=resamples, rng=rng,
                                       inv_threshold=inv_threshold))
    out.results["text"] = results
    _layout(out, results, positions, variants, texts, example_id, top_changes, level, resamples, rng)
    return out


def _layout(out: SweepOutcome, results: list[PairResult], positions: dict[tuple[int, int], np.ndarray],
            variants: TextVariants, texts: Sequence[str], example_id: Callable[[int], str], top_changes: int,
            level: float, resamples: int, rng: np.random.Generator) -> None:
    values = out.values

    def pairs_of(r: PairResult, i: int) -> tuple[tuple[str, str], ...]:
        return variants.pairs[int(positions[(r.source, r.target)][i])]

    def describe(r: PairResult, i: int) -> list:
        v = int(positions[(r.source, r.target)][i])
        subs = ", ".join(f"{s} → {d}" for s, d in dict.fromkeys(variants.pairs[v]))
        return [_clip(texts[int(r.example[i])]), _clip(variants.texts[v]), subs]

    out.tables.append(details.word_pair_table(results, pairs_of))
    out.tables.append(details.flip_table(results, values, "Decision flips per value pair"))
    out.tables.append(details.change_table(results, values, "Score changes per value pair", example_id))
    ctf = ctf_by_group(results, len(values), variants.n_texts, level=level, resamples=resamples, rng=rng)
    out.tables.append(details.ctf_table(ctf, values, "CTF gap per source value (Garg et al. 2019)"))
    charts, notes = details.matrices(results, values, "text")
    out.charts += charts
    out.notes += notes
    if top_changes:
        picked = details.top_changes(results, top_changes)
        out.tables.append({"title": f"The {len(picked)} largest score changes: original and counterfactual text",
                           "columns": ["generator", "value pair", "example", "P(fav) original",
                                       "P(fav) counterfactual", "Δ", "decision", "original text",
                                       "counterfactual text", "substitutions"],
                           "rows": details.change_rows(picked, values, example_id, describe)})


def _coverage_table(variants: TextVariants, values: Sequence[str]) -> dict:
    n = variants.n_texts
    covered = int(variants.covered.sum())
    rows = [["texts audited", n, 1.0 if n else None],
            ["with at least one substitution (coverage)", covered, covered / n if n else None]]
    for a, value in enumerate(values):
        count = int(np.count_nonzero(variants.source_of == a))
        rows.append([f"source value {value}", count, count / n if n else None])
    return {"title": "Coverage: texts the lexicon could rewrite", "columns": ["texts", "count", "share"],
            "rows": rows}


def _exclusion_table(variants: TextVariants, values: Sequence[str], example_id: Callable[[int], str]) -> dict:
    rows = []
    for reason, items in variants.exclusions.items():
        ids = [example_id(i if isinstance(i, int) else i[0]) for i in items]
        texts = len({i if isinstance(i, int) else i[0] for i in items})
        lost = sum(len(values) - 1 if isinstance(i, int) else 1 for i in items)
        rows.append([reason, texts, lost, ", ".join(ids[:5]) + (" …" if len(ids) > 5 else "")])
    return {"title": "Exclusions: texts (or single counterfactuals) left out, and why",
            "columns": ["reason", "texts", "counterfactuals lost", "examples"], "rows": rows}
