"""The text counterfactual sweep: lexicon substitution, bulk scoring, paired results and report material.

:func:`sweep_text` rewrites every text whose attribute value is clear into each
other value (:func:`auditkit.counterfactual.text.text_variants`), scores all
rewritten texts in one ``predict`` call (tokenized once per batch, batched by
length), pairs them with the original scores of the shared pass, and lays out
coverage, exclusions, the word pairs involved and the largest changes with both
texts side by side (typed evidence: messages of the ``counterfactual_sweep`` catalogue, never prose).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence

import numpy as np

from auditkit.adapters.base import ModelAdapter
from auditkit.counterfactual import details
from auditkit.counterfactual.analysis import PairResult, SweepOutcome, ctf_by_group, pair_result
from auditkit.counterfactual.details import col, msg, semicolons
from auditkit.counterfactual.lexicon import Lexicon
from auditkit.counterfactual.sweep import predict_variants
from auditkit.counterfactual.text import Substituter, TextVariants, text_variants
from auditkit.evidence import ColumnRole, Msg, Q, Table, Unit

#: Longest text shown in a table cell (characters); longer texts are cut with an ellipsis. The counterfactual
#: text is not printed beside it: it is the original with the listed substitutions, and two 400-character texts
#: in one row made the top-changes table of the cv-screening report three pages long.
MAX_SHOWN = 240


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1].rstrip() + "…"


_QUOTED = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_EXCLUSIONS = (
    (re.compile(r"no lexicon term in the text"), "exclusion.no_term", ()),
    (re.compile(r"contains the excluded term " + _QUOTED), "exclusion.excluded_term", ("term",)),
    (re.compile(r"mentions (.+) equally often \(source value unclear\)"), "exclusion.tie", ("values",)),
    (re.compile(r"no (.+) counterpart for " + _QUOTED), "exclusion.no_counterpart", ("value", "term")),
)


def exclusion_reason(reason: str, values: Sequence[str]) -> Msg | str:
    """An exclusion reason of :func:`~auditkit.counterfactual.text.text_variants` as a message (its terms and
    values as data); a reason of another form stays as it is."""
    for pattern, key, fields in _EXCLUSIONS:
        hit = pattern.fullmatch(reason)
        if hit is None:
            continue
        params: dict[str, object] = {}
        for name, raw in zip(fields, hit.groups(), strict=True):
            if name == "term":
                params[name] = ast.literal_eval(raw)
            elif name == "values":
                tied = [v for v in values if v in raw.split(" and ")]
                if " and ".join(tied) != raw:
                    return reason
                params[name] = tied
            else:
                params[name] = raw
        return msg(key, **params)
    return reason


def sweep_text(
    *, adapter: ModelAdapter, texts: Sequence[str], lexicon: Lexicon, attribute: str, scores: np.ndarray,
    decisions: np.ndarray, example_id: Callable[[int], str | Msg], exclude_terms: Sequence[str], top_changes: int,
    inv_threshold: float, resamples: int, level: float, rng: np.random.Generator,
) -> SweepOutcome:
    """Run the text sweep for one attribute (see the module docstring)."""
    values = lexicon.values
    out = SweepOutcome(attribute=attribute, values=values)
    variants = text_variants(texts, Substituter(lexicon), exclude_terms=exclude_terms)
    sources = semicolons([msg("lexicon_source", file=str(f), digest=str(d))
                          for f, d in zip(lexicon.files, lexicon.digests, strict=True)])
    out.notes.append(msg("note.lexicon", lexicon=lexicon.name, sources=sources,
                         rows=Q(lexicon.pair_count, Unit.COUNT), values=list(values)))
    out.tables += [_coverage_table(variants, values), _exclusion_table(variants, values, example_id)]
    if not variants.texts:
        reasons = semicolons([msg("exclusion.count", reason=exclusion_reason(r, values), n=Q(len(v), Unit.COUNT))
                              for r, v in variants.exclusions.items()])
        out.skipped = msg("skip.no_text", n=Q(variants.n_texts, Unit.COUNT), lexicon=lexicon.name, reasons=reasons)
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
            variants: TextVariants, texts: Sequence[str], example_id: Callable[[int], str | Msg], top_changes: int,
            level: float, resamples: int, rng: np.random.Generator) -> None:
    values = out.values

    def pairs_of(r: PairResult, i: int) -> tuple[tuple[str, str], ...]:
        return variants.pairs[int(positions[(r.source, r.target)][i])]

    def describe(r: PairResult, i: int) -> list:
        v = int(positions[(r.source, r.target)][i])
        subs = ", ".join(f"{s} → {d}" for s, d in dict.fromkeys(variants.pairs[v]))
        return [_clip(texts[int(r.example[i])]), subs]

    out.tables.append(details.word_pair_table(results, pairs_of))
    titles = msg("table.flips_text"), msg("table.changes_text")
    out.tables.append(details.flip_table(results, values, titles[0]))
    out.tables.append(details.change_table(results, values, titles[1], example_id))
    ctf = ctf_by_group(results, len(values), variants.n_texts, level=level, resamples=resamples, rng=rng)
    out.tables.append(details.ctf_table(ctf, values, msg("table.ctf_text")))
    charts, notes = details.matrices(results, values, "text", titles)
    out.charts += charts
    out.notes += notes
    if top_changes:
        picked = details.top_changes(results, top_changes)
        out.tables.append(Table(msg("table.top_texts", n=Q(len(picked), Unit.COUNT)),
                                details.change_columns(col("original_text"), col("substitutions")),
                                tuple(details.change_rows(picked, values, example_id, describe))))


def _coverage_table(variants: TextVariants, values: Sequence[str]) -> Table:
    n = variants.n_texts
    covered = int(variants.covered.sum())
    rows = [(msg("coverage.audited"), n, 1.0 if n else None),
            (msg("coverage.covered"), covered, covered / n if n else None)]
    for a, value in enumerate(values):
        count = int(np.count_nonzero(variants.source_of == a))
        rows.append((msg("coverage.source", value=value), count, count / n if n else None))
    return Table(msg("table.coverage"), (col("texts_row"), col("count", ColumnRole.VALUE, Unit.COUNT),
                                         col("share", ColumnRole.VALUE, Unit.SHARE)), tuple(rows))


def _exclusion_table(variants: TextVariants, values: Sequence[str],
                     example_id: Callable[[int], str | Msg]) -> Table:
    rows = []
    for reason, items in variants.exclusions.items():
        ids = [example_id(i if isinstance(i, int) else i[0]) for i in items]
        texts = len({i if isinstance(i, int) else i[0] for i in items})
        lost = sum(len(values) - 1 if isinstance(i, int) else 1 for i in items)
        shown = msg("examples_more" if len(ids) > 5 else "examples", ids=ids[:5])
        rows.append((exclusion_reason(reason, values), texts, lost, shown))
    return Table(msg("table.exclusions"), (
        col("reason"), col("texts", ColumnRole.N), col("counterfactuals_lost", ColumnRole.VALUE, Unit.COUNT),
        col("examples_shown"),
    ), tuple(rows))
