"""Messages of ``counterfactual_sweep``: summaries, rules, tables, charts, notes and findings (English, German).

Keys start with ``counterfactual_sweep.``; ``rule.<id>`` is the acceptance criterion of each rule in
``CounterfactualSweepCheck.rules``; ``measure.<name>`` the printed name of each measurement. Data values
(attribute, feature and proxy names, value pairs, lexicon words) are parameters, never part of a text.
"""

from __future__ import annotations

_EN: dict[str, str] = {
    # ---------------------------------------------------------------- rules (acceptance criteria)
    "counterfactual_sweep.rule.every_interval_inside_tolerance": (
        "Every flip rate's one-sided {confidence} upper confidence bound ≤ {max_flip_rate} and every mean"
        " |Δ P(favourable)|'s ≤ {max_mean_abs_change}, for every counterfactual generator and value pair "
        "(equivalence test, methods.md C6)"
    ),
    "counterfactual_sweep.rule.interval_above_tolerance": (
        "A flip rate or mean |Δ P(favourable)| whose one-sided {confidence} lower confidence bound lies "
        "above its tolerance (flip rate {max_flip_rate}, mean |Δ| {max_mean_abs_change}): changing the "
        "attribute demonstrably changes decisions"
    ),
    "counterfactual_sweep.rule.interval_straddles_tolerance": (
        "No flip rate or mean |Δ P(favourable)| lies above its tolerance (flip rate {max_flip_rate}, mean"
        " |Δ| {max_mean_abs_change}), but at least one one-sided {confidence} interval straddles it: too "
        "few pairs to decide"
    ),
    "counterfactual_sweep.rule.value_pairs_not_judged": (
        "Every judged interval lies inside its tolerance (flip rate {max_flip_rate}, mean |Δ| "
        "{max_mean_abs_change}), but not every value pair could be judged (too few rows to fit the proxy "
        "mapping): no pass without every pair"
    ),
    # ---------------------------------------------------------------- measurements
    "counterfactual_sweep.measure.flip_rate": "Flip rate",
    "counterfactual_sweep.measure.mean_abs_change": "Mean |Δ P(favourable)|",
    "counterfactual_sweep.measure.net_favourable_change": "Net change towards favourable",
    "counterfactual_sweep.measure.proxy_flip_rate_difference": "Flip rate difference (propagated − flip-only)",
    "counterfactual_sweep.measure.grid_flip_rate": "Grid flip rate",
    "counterfactual_sweep.measure.grid_mean_abs_change": "Grid mean |Δ P(favourable)|",
    "counterfactual_sweep.term.flip_rate": "flip rate",
    "counterfactual_sweep.term.mean_abs_change": "mean abs change",
    "counterfactual_sweep.term.grid_flip_rate": "grid flip rate",
    "counterfactual_sweep.term.grid_mean_abs_change": "grid mean abs change",
    # ---------------------------------------------------------------- generators and small words
    "counterfactual_sweep.mode.flip_only": "flip-only",
    "counterfactual_sweep.mode.propagated": "propagated",
    "counterfactual_sweep.mode.text": "substitution",
    "counterfactual_sweep.none": "none",
    "counterfactual_sweep.join.semicolon": "{first}; {rest}",
    "counterfactual_sweep.row": "row {n}",
    "counterfactual_sweep.examples": "{ids}",
    "counterfactual_sweep.examples_more": "{ids} …",
    # ---------------------------------------------------------------- summary sentences
    "counterfactual_sweep.summary.skipped": "Not assessed: {reason}.",
    "counterfactual_sweep.summary.fail": (
        "{subject}: {value} [{low}, {high}] {effect}, wholly above the {tolerance} tolerance."
    ),
    "counterfactual_sweep.summary.pass.pairs": (
        "Changing {attribute} moves no decision beyond the tolerance: every flip rate's upper bound is at"
        " most {max_flip_rate} (limit {flip_limit}) and every mean |Δ|'s at most {max_mean_abs_change} "
        "(limit {mac_limit}), with at least {n} pairs per value pair."
    ),
    "counterfactual_sweep.summary.pass.examples": (
        "Changing {attribute} moves no decision beyond the tolerance: every flip rate's upper bound is at"
        " most {max_flip_rate} (limit {flip_limit}) and every mean |Δ|'s at most {max_mean_abs_change} "
        "(limit {mac_limit}), with at least {n} examples."
    ),
    "counterfactual_sweep.summary.not_judged": (
        "Counterfactuals of {attribute} could not be judged for every value pair: {reasons}."
    ),
    "counterfactual_sweep.summary.undecided": (
        "{subject}: {measure} {value} [{low}, {high}] from {n} pairs cannot be separated from the "
        "{tolerance} tolerance."
    ),
    "counterfactual_sweep.summary.undecided.need": (
        "{subject}: {measure} {value} [{low}, {high}] from {n} pairs cannot be separated from the "
        "{tolerance} tolerance; about {needed} pairs per value pair would be needed."
    ),
    "counterfactual_sweep.summary.undecided.need_zero": (
        "{subject}: {measure} {value} [{low}, {high}] from {n} pairs cannot be separated from the "
        "{tolerance} tolerance; about {needed} pairs per value pair would be needed (with zero flips, "
        "{zero} would do)."
    ),
    "counterfactual_sweep.mde.at": (
        "At {n} pairs the minimum detectable effect is a {measure} of {fail_at} (the least that would be "
        "shown above the tolerance)"
    ),
    "counterfactual_sweep.mde.none_above": "At {n} pairs no {measure} can be shown above the tolerance",
    "counterfactual_sweep.mde.pass": "{head}; at most {pass_at} would be shown below it.",
    "counterfactual_sweep.mde.no_pass": "{head}; none can be shown below it with so few pairs.",
    "counterfactual_sweep.subject.grid": "Sweeping {attribute} over the grid",
    "counterfactual_sweep.subject.flip_only": "Flipping {attribute} ({pair})",
    "counterfactual_sweep.subject.propagated": "Moving {attribute} and its proxies ({pair})",
    "counterfactual_sweep.subject.text": "Substituting {attribute} terms ({pair})",
    "counterfactual_sweep.effect.flip_rate": "of decisions change",
    "counterfactual_sweep.effect.grid_flip_rate": "of examples get another decision somewhere along the grid",
    "counterfactual_sweep.effect.mean_abs_change": "mean |Δ P(favourable)|",
    "counterfactual_sweep.tail.vacuous_decides": (
        "Flip-only is vacuous because {attribute} is not a model input; the propagated counterfactual "
        "moves its proxies ({proxies}) and decides."
    ),
    "counterfactual_sweep.tail.vacuous_missed": (
        "The effect travels entirely through the proxies ({proxies}): {attribute} is not a model input, "
        "so a flip-only test is vacuous and would have missed it."
    ),
    "counterfactual_sweep.tail.flip_only_stays": (
        "Flip-only stays at {value}: the effect travels through the proxies ({proxies}), which only the "
        "propagated counterfactual catches."
    ),
    # ---------------------------------------------------------------- why nothing (or not everything) was judged
    "counterfactual_sweep.vacuous": (
        "{attribute} is not a model input, so flipping it changes no input: flip-only is vacuous "
        "(reported, not counted as a pass) and only the propagated counterfactual informs"
    ),
    "counterfactual_sweep.skip.vacuous_only": "{vacuous}; set mode: propagated (or both) to move its proxies",
    "counterfactual_sweep.skip.no_input_changed": "no generator changed any model input",
    "counterfactual_sweep.skip.no_counterfactual": (
        "no counterfactual can change the model's inputs: {attribute} is not a model input and no feature"
        " was declared or detected as its proxy; declare suspected proxies with 'proxies: [...]' to test "
        "them"
    ),
    "counterfactual_sweep.skip.no_text": (
        "no text could be rewritten: none of the {n} texts yields a counterfactual with lexicon {lexicon}"
        " ({reasons})"
    ),
    "counterfactual_sweep.unjudged.small_groups": (
        "propagated pairs involving {values} (fewer than {min_rows} rows to estimate the proxy mapping)"
    ),
    "counterfactual_sweep.exclusion.count": "{reason} ({n})",
    "counterfactual_sweep.exclusion.no_term": "no lexicon term in the text",
    "counterfactual_sweep.exclusion.excluded_term": "contains the excluded term “{term}”",
    "counterfactual_sweep.exclusion.tie": "mentions {values} equally often (source value unclear)",
    "counterfactual_sweep.exclusion.no_counterpart": "no {value} counterpart for “{term}”",
    # ---------------------------------------------------------------- notes
    "counterfactual_sweep.note.not_judged": "Not judged: {reasons}.",
    "counterfactual_sweep.note.pairs_needed": (
        "About {needed} pairs per value pair would be needed to decide every undecided measurement at "
        "this rate; with zero flips, {zero} pairs show a flip rate below {max_flip_rate}."
    ),
    "counterfactual_sweep.note.mediation": (
        "Where the effect flows (evidence, not part of the verdict): {pairs} counterfactual prompt pairs were "
        "patched ({skipped} skipped because the two prompts tokenize to different lengths, {unchanged} whose "
        "log-odds did not change); the mean |change| of the favourable answer's log-odds is {change}. A "
        "sublayer's share is the part of that change reproduced when only its output is taken from the "
        "counterfactual prompt: estimated for every sublayer by attribution patching (one forward and backward "
        "pass), and patched exactly for the {validated} with the largest estimates, whose Spearman correlation "
        "with the estimates is {rho} [{low}, {high}]. Sublayers in series can each carry the whole effect, so "
        "shares need not add up to 100%."
    ),
    "counterfactual_sweep.note.mediation_no_change": (
        "Where the effect flows: none of the {pairs} counterfactual prompt pairs patched changes the favourable "
        "answer's log-odds, so there is no effect to trace."
    ),
    "counterfactual_sweep.note.mediation_unaligned": (
        "Where the effect flows was not measured: in none of the {pairs} counterfactual prompt pairs do the two "
        "prompts tokenize to the same length, so no pair can be patched position by position."
    ),
    "counterfactual_sweep.note.mediation_none": (
        "Where the effect flows was not measured: no audit text has a counterfactual to patch."
    ),
    "counterfactual_sweep.table.mediation_layers": (
        "Share of the counterfactual change carried by each layer's sublayers"
    ),
    "counterfactual_sweep.table.mediation_components": "Components carrying most of the effect",
    "counterfactual_sweep.col.layer": "layer",
    "counterfactual_sweep.col.attention_estimate": "attention (estimate)",
    "counterfactual_sweep.col.attention_exact": "attention (exact)",
    "counterfactual_sweep.col.mlp_estimate": "MLP (estimate)",
    "counterfactual_sweep.col.mlp_exact": "MLP (exact)",
    "counterfactual_sweep.col.component": "component",
    "counterfactual_sweep.col.estimate": "share (estimate)",
    "counterfactual_sweep.col.exact": "share (exact)",
    "counterfactual_sweep.chart.mediation": "Share of the counterfactual change carried by each sublayer",
    "counterfactual_sweep.chart.mediation_label": "share of the change in log-odds",
    "counterfactual_sweep.chart.mediation_attn": "layer {layer} attention",
    "counterfactual_sweep.chart.mediation_mlp": "layer {layer} MLP",
    "counterfactual_sweep.chart.mediation_layer": "layer {layer}",
    "counterfactual_sweep.note.intervals": (
        "Intervals are two-sided {level} (exact for rates, paired bootstrap for score changes): their "
        "ends are the one-sided {confidence} bounds of the equivalence test (methods.md C6)."
    ),
    "counterfactual_sweep.note.absent_values": (
        "Declared value(s) {values} of {attribute} do not occur in the data and are not compared (no code"
        " to flip to, no rows to flip from)."
    ),
    "counterfactual_sweep.note.proxies_declared": "Proxies declared in the policy: {proxies}.",
    "counterfactual_sweep.note.encoding": (
        "The other inputs jointly predict {attribute} with cross-validated AUC {auc} [{low}, {high}] "
        "({level}; Credo score {credo}; gradient boosting, {folds}-fold, n={n}). It describes the data; "
        "only candidates accepted in the screening table are moved."
    ),
    "counterfactual_sweep.encoding.strong": "strong encoding",
    "counterfactual_sweep.encoding.notable": "notable encoding",
    "counterfactual_sweep.encoding.none": "no notable encoding",
    "counterfactual_sweep.note.weak_associations": (
        "Associated with {attribute} but too weak to be moved as proxies: {candidates}; declare a "
        "suspected proxy with 'proxies: [...]' to test it anyway."
    ),
    "counterfactual_sweep.note.weak_associations_more": (
        "Associated with {attribute} but too weak to be moved as proxies: {candidates} and {more} more; "
        "declare a suspected proxy with 'proxies: [...]' to test it anyway."
    ),
    "counterfactual_sweep.weak_candidate": "{feature} (V {v} [{low}, {high}])",
    "counterfactual_sweep.note.flip_only_vacuous": "Flip-only: {reason}.",
    "counterfactual_sweep.note.propagated_how": (
        "Propagated: {maps}. Assumes each proxy depends on the attribute only (x′ = f(a′) + ε̂), in one "
        "step."
    ),
    "counterfactual_sweep.how.category": (
        "{feature} (categorical, {columns} columns, {categories} categories) by category redraw from the "
        "target group's distribution, all its columns at once"
    ),
    "counterfactual_sweep.how.numeric": "{feature} by {method} ({kind}, clipped to {low}…{high})",
    "counterfactual_sweep.method.mean_shift": "mean shift",
    "counterfactual_sweep.method.quantile_map": "quantile map",
    "counterfactual_sweep.method.category_redraw": "category redraw",
    "counterfactual_sweep.kind.numeric": "numeric",
    "counterfactual_sweep.kind.discrete": "discrete",
    "counterfactual_sweep.kind.bounded": "bounded",
    "counterfactual_sweep.kind.integer": "integer",
    "counterfactual_sweep.kind.continuous": "continuous",
    "counterfactual_sweep.kind.categorical": "categorical",
    "counterfactual_sweep.kind.declared_group": "declared group",
    "counterfactual_sweep.kind.one_hot_block": "one-hot block",
    "counterfactual_sweep.note.draws": (
        "Propagated: category redraws and quantile-map ties take random keys; {draws} seeded draws are "
        "averaged per pair (flip indicator and |Δ|), so no verdict hinges on one draw. Examples shown use"
        " draw 1."
    ),
    "counterfactual_sweep.note.no_proxy": (
        "Propagated: no proxy was declared or detected, so it equals flip-only and is not repeated."
    ),
    "counterfactual_sweep.note.refit": (
        "Propagated intervals bootstrap the whole estimator: in each of {resamples} resamples the rows "
        "are resampled within each group, the proxy mapping (means, quantiles, category distributions) is"
        " refitted on the resample and the resampled rows' counterfactuals are regenerated and scored; a "
        "flip rate's interval is never narrower than its exact binomial interval."
    ),
    "counterfactual_sweep.note.sampled_rows": (
        "Swept on {rows} of the {total} rows (max_examples = {limit}): a seeded sample drawn within each value "
        "of the attribute in proportion to its size. Every rate, change and interval is estimated on that "
        "sample, so the intervals include the sampling; raise max_examples to narrow them at proportionally "
        "more model evaluations."
    ),
    "counterfactual_sweep.note.refit_capped": (
        "Propagated intervals bootstrap the whole estimator: in each of {resamples} resamples the rows "
        "are resampled within each group, the proxy mapping (means, quantiles, category distributions) is"
        " refitted on the resample and the resampled rows' counterfactuals are regenerated and scored "
        "(fewer resamples than statistics.bootstrap = {bootstrap}, to bound the cost of {resamples} × "
        "{rows} × {targets} model rows); a flip rate's interval is never narrower than its exact binomial"
        " interval."
    ),
    "counterfactual_sweep.note.clipped": "Propagated values clipped to the observed range (over every draw): {counts}.",
    "counterfactual_sweep.clipped_count": "{feature} {n}",
    "counterfactual_sweep.note.antisymmetry": (
        "{mode}: Δ({a}→{b}) = {ab} and Δ({b}→{a}) = {ba} do not mirror each other (sum {gap}): the effect"
        " depends on the examples' own group, not only on the value."
    ),
    "counterfactual_sweep.note.grid": (
        "Grid: {column} set to {points} values from {start} to {stop} (step {step}) for each of "
        "{examples} examples ({rows} model rows)."
    ),
    "counterfactual_sweep.note.lexicon": (
        "Lexicon {lexicon} ({sources}): {rows} rows of counterparts for {values}. Substitution is "
        "case-preserving, on word boundaries, longest match first, every mention; mentions of the target "
        "value are swapped back (as in counterfactual data augmentation). Pronoun case (her → his/him) is"
        " resolved by the next word, a heuristic without a POS tagger."
    ),
    "counterfactual_sweep.lexicon_source": "{file}, SHA-256 {digest}",
    # ---------------------------------------------------------------- proxy screening
    "counterfactual_sweep.screen.interval": "V {v} [{low}, {high}]",
    "counterfactual_sweep.screen.interval_undefined": "V undefined (one level)",
    "counterfactual_sweep.screen.proxy": "proxy: χ² Holm p {p} ≤ {alpha} and {interval}, lower bound ≥ {min_strength}",
    "counterfactual_sweep.screen.single_level": "rejected: a single level, no association can be measured",
    "counterfactual_sweep.screen.not_significant": "rejected: association not significant (Holm p {p} > {alpha})",
    "counterfactual_sweep.screen.too_weak": "rejected: too weak ({interval}; the lower bound is below {min_strength})",
    # ---------------------------------------------------------------- tables
    "counterfactual_sweep.table.screen": (
        "Proxy screening for {attribute}: a proxy needs a significant χ² test (Holm, α = {alpha}) and "
        "Cramér's V whose {level} lower bound reaches {min_strength}"
    ),
    "counterfactual_sweep.table.comparison": (
        "Flip-only vs propagated: the difference is the part of the effect that travels through proxies"
    ),
    "counterfactual_sweep.table.moved": "Proxies moved by the propagated counterfactual (means over rows and draws)",
    "counterfactual_sweep.table.flips": "Decision flips per value pair ({mode})",
    "counterfactual_sweep.table.flips_text": "Decision flips per value pair",
    "counterfactual_sweep.table.changes": "Score changes per value pair ({mode})",
    "counterfactual_sweep.table.changes_text": "Score changes per value pair",
    "counterfactual_sweep.table.ctf": "CTF gap per source value ({mode})",
    "counterfactual_sweep.table.ctf_text": "CTF gap per source value (Garg et al. 2019)",
    "counterfactual_sweep.table.top_inputs": "The {n} largest score changes ({mode}): inputs side by side",
    "counterfactual_sweep.table.top_texts": (
        "The {n} largest score changes: the original text and the substitutions that make the counterfactual"
    ),
    "counterfactual_sweep.table.word_pairs": "Word pairs responsible: substitutions in the changed decisions",
    "counterfactual_sweep.table.coverage": "Coverage: texts the lexicon could rewrite",
    "counterfactual_sweep.table.exclusions": "Exclusions: texts (or single counterfactuals) left out, and why",
    "counterfactual_sweep.table.grid": "Decision-boundary crossings along the grid, per example group",
    "counterfactual_sweep.table.power": (
        "What would decide the undecided measurements: minimum detectable effect at the pairs used"
    ),
    "counterfactual_sweep.cell.vacuous": "vacuous",
    "counterfactual_sweep.cell.no_input_changed": "no input changed",
    "counterfactual_sweep.decision.unchanged": "unchanged",
    "counterfactual_sweep.decision.fav_to_unfav": "favourable → unfavourable",
    "counterfactual_sweep.decision.unfav_to_fav": "unfavourable → favourable",
    "counterfactual_sweep.coverage.audited": "texts audited",
    "counterfactual_sweep.coverage.covered": "with at least one substitution (coverage)",
    "counterfactual_sweep.coverage.source": "source value {value}",
    "counterfactual_sweep.col.candidate": "candidate",
    "counterfactual_sweep.col.changed_inputs": "changed inputs",
    "counterfactual_sweep.col.chi2_p": "χ² p",
    "counterfactual_sweep.col.ci_high": "CI high",
    "counterfactual_sweep.col.ci_low": "CI low",
    "counterfactual_sweep.col.count": "count",
    "counterfactual_sweep.col.counterfactuals_lost": "counterfactuals lost",
    "counterfactual_sweep.col.cramers_v": "Cramér's V",
    "counterfactual_sweep.col.ctf_gap": "CTF gap",
    "counterfactual_sweep.col.decision": "decision",
    "counterfactual_sweep.col.decision_changes": "decision changes somewhere",
    "counterfactual_sweep.col.decisions_changed": "decisions changed",
    "counterfactual_sweep.col.delta": "Δ",
    "counterfactual_sweep.col.difference": "difference",
    "counterfactual_sweep.col.example": "example",
    "counterfactual_sweep.col.example_group": "example group",
    "counterfactual_sweep.col.examples": "examples",
    "counterfactual_sweep.col.examples_shown": "examples",
    "counterfactual_sweep.col.fails_from": "fails from (MDE)",
    "counterfactual_sweep.col.fav_to_unfav": "fav→unfav (b)",
    "counterfactual_sweep.col.flip_rate": "flip rate",
    "counterfactual_sweep.col.flip_rate_flip_only": "flip rate: flip-only",
    "counterfactual_sweep.col.flips": "flips",
    "counterfactual_sweep.col.generator": "generator",
    "counterfactual_sweep.col.group": "group",
    "counterfactual_sweep.col.holm_p": "Holm p",
    "counterfactual_sweep.col.how": "how",
    "counterfactual_sweep.col.inv_ci_high": "INV CI high",
    "counterfactual_sweep.col.inv_rate": "INV failure rate",
    "counterfactual_sweep.col.kind_columns": "kind / columns",
    "counterfactual_sweep.col.max_abs_change": "max |Δ|",
    "counterfactual_sweep.col.max_at_example": "max at example",
    "counterfactual_sweep.col.mcnemar_p": "McNemar p",
    "counterfactual_sweep.col.mean_abs_change": "mean |Δ|",
    "counterfactual_sweep.col.mean_abs_change_flip_only": "mean |Δ|: flip-only",
    "counterfactual_sweep.col.mean_change": "mean Δ",
    "counterfactual_sweep.col.mean_crossings": "mean crossings",
    "counterfactual_sweep.col.measurement": "measurement",
    "counterfactual_sweep.col.moved_mean_abs_change": "mean |change|",
    "counterfactual_sweep.col.moved_mean_change": "mean change",
    "counterfactual_sweep.col.nmi": "NMI",
    "counterfactual_sweep.col.original_text": "original text",
    "counterfactual_sweep.col.p95_abs_change": "p95 |Δ|",
    "counterfactual_sweep.col.p99_abs_change": "p99 |Δ|",
    "counterfactual_sweep.col.p_counterfactual": "P(fav) counterfactual",
    "counterfactual_sweep.col.p_original": "P(fav) original",
    "counterfactual_sweep.col.pairs": "pairs",
    "counterfactual_sweep.col.pairs_to_decide": "pairs that would decide it",
    "counterfactual_sweep.col.passes_up_to": "passes up to",
    "counterfactual_sweep.col.propagated": "propagated",
    "counterfactual_sweep.col.proxy": "proxy",
    "counterfactual_sweep.col.proxy_name": "proxy",
    "counterfactual_sweep.col.reason": "reason",
    "counterfactual_sweep.col.screen_decision": "accepted / rejected because",
    "counterfactual_sweep.col.share": "share",
    "counterfactual_sweep.col.share_changed": "share changed",
    "counterfactual_sweep.col.share_rows_changed": "share of rows changed",
    "counterfactual_sweep.col.source_value": "source value",
    "counterfactual_sweep.col.substitution": "substitution",
    "counterfactual_sweep.col.substitutions": "substitutions",
    "counterfactual_sweep.col.texts": "texts",
    "counterfactual_sweep.col.texts_row": "texts",
    "counterfactual_sweep.col.tolerance": "tolerance",
    "counterfactual_sweep.col.unfav_to_fav": "unfav→fav (c)",
    "counterfactual_sweep.col.v_ci_high": "V CI high",
    "counterfactual_sweep.col.v_ci_low": "V CI low",
    "counterfactual_sweep.col.value": "value",
    "counterfactual_sweep.col.value_pair": "value pair",
    "counterfactual_sweep.col.values_clipped": "values clipped",
    # ---------------------------------------------------------------- charts
    "counterfactual_sweep.chart.cell": "{value} [{low}, {high}]",
    "counterfactual_sweep.chart.flip_rate": "Flip rate by value pair ({mode}; rows: from, columns: to)",
    "counterfactual_sweep.chart.flip_rate_label": "flip rate",
    "counterfactual_sweep.chart.mean_change": "Mean score change Δ by value pair ({mode}; rows: from, columns: to)",
    "counterfactual_sweep.chart.mean_change_label": "mean Δ P(favourable)",
    "counterfactual_sweep.chart.grid": "P(favourable) as {attribute} sweeps the grid: median and 10–90% band per group",
    "counterfactual_sweep.chart.p_favourable": "P(favourable)",
    "counterfactual_sweep.chart.series_group": "{group} (n={n})",
    "counterfactual_sweep.chart.decision_threshold": "decision threshold",
    # ---------------------------------------------------------------- findings
    "counterfactual_sweep.finding.direct": (
        "Decisions depend on {attribute}. {subject}: {value} [{low}, {high}] {effect}, wholly above the "
        "{tolerance} tolerance."
    ),
    "counterfactual_sweep.finding.proxy": (
        "The proxy {proxy} carries {attribute} into the decisions, which flipping {attribute} alone does "
        "not show. {subject}: {value} [{low}, {high}] {effect}, wholly above the {tolerance} tolerance "
        "(proxies moved: {proxies})."
    ),
    "counterfactual_sweep.finding.undecided": (
        "The counterfactual sweep of {attribute} is undecided: an interval straddles its tolerance; audit"
        " more examples to decide it."
    ),
    "counterfactual_sweep.finding.undecided.need": (
        "The counterfactual sweep of {attribute} is undecided: an interval straddles its tolerance; about"
        " {needed} pairs per value pair would decide it."
    ),
    "counterfactual_sweep.finding.not_judged": (
        "Counterfactuals of {attribute} could not be judged for every value pair ({reasons}); audit more "
        "rows of the small groups."
    ),
    "counterfactual_sweep.meaning.subject.flip_only": (
        "Had a person's {attribute} been different ({pair}), with every other input the same"
    ),
    "counterfactual_sweep.meaning.subject.propagated": (
        "Had a person's {attribute}, and the inputs that carry it ({proxies}), been different ({pair})"
    ),
    "counterfactual_sweep.meaning.subject.text": "Had the words that signal {attribute} been different ({pair})",
    "counterfactual_sweep.meaning.subject.grid": "Had a person's {attribute} taken the other values tested",
    "counterfactual_sweep.meaning.fail.rate": (
        "{subject}, {value} of decisions would have changed ({level} confidence: {low} to {high}), more than "
        "the {tolerance} the policy tolerates: for the people concerned, the decision depends on {attribute}."
    ),
    "counterfactual_sweep.meaning.fail.score": (
        "{subject}, the model's score would have moved by {value} on average ({level} confidence: {low} to "
        "{high}), more than the {tolerance} the policy tolerates, even where the decision itself stayed the "
        "same."
    ),
    "counterfactual_sweep.meaning.via_proxies": (
        "Changing {attribute} alone changes at most {value} of decisions: {attribute} reaches the decisions "
        "through the inputs that carry it ({proxies})."
    ),
    "counterfactual_sweep.meaning.via_proxies_only": (
        "The model is not given {attribute} itself: it reaches the decisions through the inputs that carry it "
        "({proxies})."
    ),
    "counterfactual_sweep.meaning.pass": (
        "{subject}, {value} of decisions would have changed, at most {high} with {level} confidence, within "
        "the {tolerance} the policy tolerates: for the changes tested, decisions do not depend on {attribute} "
        "beyond that tolerance."
    ),
    "counterfactual_sweep.meaning.undecided.rate": (
        "{subject}, {value} of decisions would have changed, but with {level} confidence anywhere from {low} "
        "to {high}, on both sides of the {tolerance} the policy tolerates: the audit data cannot tell whether "
        "decisions depend on {attribute} more than the policy allows."
    ),
    "counterfactual_sweep.meaning.undecided.score": (
        "{subject}, the model's score would have moved by {value} on average, but with {level} confidence "
        "anywhere from {low} to {high}, on both sides of the {tolerance} the policy tolerates: the audit data "
        "cannot tell whether decisions depend on {attribute} more than the policy allows."
    ),
    "counterfactual_sweep.meaning.needed": "About {needed} people per compared pair of values would decide it.",
    "counterfactual_sweep.meaning.not_judged": (
        "Some values of {attribute} could not be compared ({reasons}), so the audit data cannot tell whether "
        "decisions depend on {attribute} for the people concerned."
    ),
}

_DE: dict[str, str] = {
    # ---------------------------------------------------------------- rules (acceptance criteria)
    "counterfactual_sweep.rule.every_interval_inside_tolerance": (
        "Die einseitige obere Konfidenzgrenze (Niveau {confidence}) jeder Umschlagrate ≤ {max_flip_rate} "
        "und die jeder mittleren |Δ P(günstig)| ≤ {max_mean_abs_change}, für jeden kontrafaktischen "
        "Generator und jedes Wertepaar (Äquivalenztest, methods.md C6)"
    ),
    "counterfactual_sweep.rule.interval_above_tolerance": (
        "Eine Umschlagrate oder mittlere |Δ P(günstig)|, deren einseitige untere Konfidenzgrenze (Niveau "
        "{confidence}) über ihrer Toleranz liegt (Umschlagrate {max_flip_rate}, mittlere |Δ| "
        "{max_mean_abs_change}): Eine Änderung des Merkmals ändert nachweislich Entscheidungen"
    ),
    "counterfactual_sweep.rule.interval_straddles_tolerance": (
        "Keine Umschlagrate und keine mittlere |Δ P(günstig)| liegt über ihrer Toleranz (Umschlagrate "
        "{max_flip_rate}, mittlere |Δ| {max_mean_abs_change}), aber mindestens ein einseitiges Intervall "
        "(Niveau {confidence}) überdeckt sie: zu wenige Paare für eine Entscheidung"
    ),
    "counterfactual_sweep.rule.value_pairs_not_judged": (
        "Jedes beurteilte Intervall liegt innerhalb seiner Toleranz (Umschlagrate {max_flip_rate}, "
        "mittlere |Δ| {max_mean_abs_change}), aber nicht jedes Wertepaar konnte beurteilt werden (zu "
        "wenige Zeilen, um die Proxy-Abbildung zu schätzen): ohne jedes Paar kein Bestehen"
    ),
    # ---------------------------------------------------------------- measurements
    "counterfactual_sweep.measure.flip_rate": "Umschlagrate",
    "counterfactual_sweep.measure.mean_abs_change": "Mittlere |Δ P(günstig)|",
    "counterfactual_sweep.measure.net_favourable_change": "Nettoänderung hin zu günstig",
    "counterfactual_sweep.measure.proxy_flip_rate_difference": (
        "Differenz der Umschlagrate (propagiert − nur Merkmalswechsel)"
    ),
    "counterfactual_sweep.measure.grid_flip_rate": "Umschlagrate über das Raster",
    "counterfactual_sweep.measure.grid_mean_abs_change": "Mittlere |Δ P(günstig)| über das Raster",
    "counterfactual_sweep.term.flip_rate": "Umschlagrate",
    "counterfactual_sweep.term.mean_abs_change": "mittlere absolute Änderung",
    "counterfactual_sweep.term.grid_flip_rate": "Umschlagrate über das Raster",
    "counterfactual_sweep.term.grid_mean_abs_change": "mittlere absolute Änderung über das Raster",
    # ---------------------------------------------------------------- generators and small words
    "counterfactual_sweep.mode.flip_only": "nur Merkmalswechsel",
    "counterfactual_sweep.mode.propagated": "propagiert",
    "counterfactual_sweep.mode.text": "Wortersetzung",
    "counterfactual_sweep.none": "keine",
    "counterfactual_sweep.join.semicolon": "{first}; {rest}",
    "counterfactual_sweep.row": "Zeile {n}",
    "counterfactual_sweep.examples": "{ids}",
    "counterfactual_sweep.examples_more": "{ids} …",
    # ---------------------------------------------------------------- summary sentences
    "counterfactual_sweep.summary.skipped": "Nicht bewertet: {reason}.",
    "counterfactual_sweep.summary.fail": (
        "{subject}: {value} [{low}, {high}] {effect}, vollständig über der Toleranz von {tolerance}."
    ),
    "counterfactual_sweep.summary.pass.pairs": (
        "Eine Änderung von {attribute} verschiebt keine Entscheidung über die Toleranz hinaus: Die obere "
        "Grenze jeder Umschlagrate beträgt höchstens {max_flip_rate} (Grenzwert {flip_limit}), die jeder "
        "mittleren |Δ| höchstens {max_mean_abs_change} (Grenzwert {mac_limit}), bei mindestens {n} Paaren"
        " je Wertepaar."
    ),
    "counterfactual_sweep.summary.pass.examples": (
        "Eine Änderung von {attribute} verschiebt keine Entscheidung über die Toleranz hinaus: Die obere "
        "Grenze jeder Umschlagrate beträgt höchstens {max_flip_rate} (Grenzwert {flip_limit}), die jeder "
        "mittleren |Δ| höchstens {max_mean_abs_change} (Grenzwert {mac_limit}), bei mindestens {n} "
        "Beispielen."
    ),
    "counterfactual_sweep.summary.not_judged": (
        "Die kontrafaktischen Varianten von {attribute} konnten nicht für jedes Wertepaar beurteilt "
        "werden: {reasons}."
    ),
    "counterfactual_sweep.summary.undecided": (
        "{subject}: {measure} {value} [{low}, {high}] aus {n} Paaren lässt sich nicht von der Toleranz "
        "{tolerance} trennen."
    ),
    "counterfactual_sweep.summary.undecided.need": (
        "{subject}: {measure} {value} [{low}, {high}] aus {n} Paaren lässt sich nicht von der Toleranz "
        "{tolerance} trennen; etwa {needed} Paare je Wertepaar wären nötig."
    ),
    "counterfactual_sweep.summary.undecided.need_zero": (
        "{subject}: {measure} {value} [{low}, {high}] aus {n} Paaren lässt sich nicht von der Toleranz "
        "{tolerance} trennen; etwa {needed} Paare je Wertepaar wären nötig (ohne jeden Umschlag genügten "
        "{zero})."
    ),
    "counterfactual_sweep.mde.at": (
        "Bei {n} Paaren ist der kleinste nachweisbare Effekt eine {measure} von {fail_at} (der kleinste "
        "Wert, der als über der Toleranz liegend nachgewiesen würde)"
    ),
    "counterfactual_sweep.mde.none_above": (
        "Bei {n} Paaren lässt sich keine {measure} als über der Toleranz liegend nachweisen"
    ),
    "counterfactual_sweep.mde.pass": "{head}; höchstens {pass_at} würde als darunter liegend nachgewiesen.",
    "counterfactual_sweep.mde.no_pass": (
        "{head}; mit so wenigen Paaren lässt sich kein Wert als darunter liegend nachweisen."
    ),
    "counterfactual_sweep.subject.grid": "Durchlauf von {attribute} über das Raster",
    "counterfactual_sweep.subject.flip_only": "Wechsel von {attribute} ({pair})",
    "counterfactual_sweep.subject.propagated": "Verschiebung von {attribute} samt seinen Proxys ({pair})",
    "counterfactual_sweep.subject.text": "Ersetzung der Begriffe für {attribute} ({pair})",
    "counterfactual_sweep.effect.flip_rate": "der Entscheidungen ändern sich",
    "counterfactual_sweep.effect.grid_flip_rate": (
        "der Beispiele erhalten irgendwo entlang des Rasters eine andere Entscheidung"
    ),
    "counterfactual_sweep.effect.mean_abs_change": "mittlere |Δ P(günstig)|",
    "counterfactual_sweep.tail.vacuous_decides": (
        "Der reine Merkmalswechsel ist gegenstandslos, weil {attribute} keine Modelleingabe ist; die "
        "propagierte kontrafaktische Variante verschiebt seine Proxys ({proxies}) und entscheidet."
    ),
    "counterfactual_sweep.tail.vacuous_missed": (
        "Der Effekt wirkt vollständig über die Proxys ({proxies}): {attribute} ist keine Modelleingabe, "
        "daher ist ein reiner Merkmalswechsel gegenstandslos und hätte ihn übersehen."
    ),
    "counterfactual_sweep.tail.flip_only_stays": (
        "Der reine Merkmalswechsel bleibt bei {value}: Der Effekt wirkt über die Proxys ({proxies}), was "
        "nur die propagierte kontrafaktische Variante erfasst."
    ),
    # ---------------------------------------------------------------- why nothing (or not everything) was judged
    "counterfactual_sweep.vacuous": (
        "{attribute} ist keine Modelleingabe, ein Wechsel ändert also keine Eingabe: Der reine "
        "Merkmalswechsel ist gegenstandslos (berichtet, nicht als Bestehen gewertet), aussagekräftig ist "
        "nur die propagierte kontrafaktische Variante"
    ),
    "counterfactual_sweep.skip.vacuous_only": (
        "{vacuous}; setzen Sie mode: propagated (oder both), um seine Proxys zu verschieben"
    ),
    "counterfactual_sweep.skip.no_input_changed": "kein Generator hat eine Modelleingabe verändert",
    "counterfactual_sweep.skip.no_counterfactual": (
        "keine kontrafaktische Variante kann die Eingaben des Modells ändern: {attribute} ist keine "
        "Modelleingabe, und kein Merkmal wurde als sein Proxy angegeben oder erkannt; geben Sie vermutete"
        " Proxys mit 'proxies: [...]' an, um sie zu prüfen"
    ),
    "counterfactual_sweep.skip.no_text": (
        "kein Text ließ sich umschreiben: keiner der {n} Texte ergibt mit dem Lexikon {lexicon} eine "
        "kontrafaktische Variante ({reasons})"
    ),
    "counterfactual_sweep.unjudged.small_groups": (
        "propagierte Paare mit {values} (weniger als {min_rows} Zeilen, um die Proxy-Abbildung zu "
        "schätzen)"
    ),
    "counterfactual_sweep.exclusion.count": "{reason} ({n})",
    "counterfactual_sweep.exclusion.no_term": "kein Lexikonbegriff im Text",
    "counterfactual_sweep.exclusion.excluded_term": "enthält den ausgeschlossenen Begriff „{term}“",
    "counterfactual_sweep.exclusion.tie": "erwähnt {values} gleich oft (Ausgangswert unklar)",
    "counterfactual_sweep.exclusion.no_counterpart": "keine Entsprechung für „{term}“ beim Wert {value}",
    # ---------------------------------------------------------------- notes
    "counterfactual_sweep.note.not_judged": "Nicht beurteilt: {reasons}.",
    "counterfactual_sweep.note.pairs_needed": (
        "Etwa {needed} Paare je Wertepaar wären nötig, um bei dieser Rate jede unentschiedene Messung zu "
        "entscheiden; ohne jeden Umschlag zeigen {zero} Paare eine Umschlagrate unter {max_flip_rate}."
    ),
    "counterfactual_sweep.note.mediation": (
        "Wo der Effekt verläuft (Beleg, nicht Teil des Urteils): {pairs} kontrafaktische Prompt-Paare wurden "
        "gepatcht ({skipped} übersprungen, weil beide Prompts verschieden viele Token ergeben, bei {unchanged} "
        "änderten sich die Log-Odds nicht); die mittlere |Änderung| der Log-Odds der günstigen Antwort beträgt "
        "{change}. Der Anteil einer Teilschicht ist der Teil dieser Änderung, der entsteht, wenn nur ihre "
        "Ausgabe aus dem kontrafaktischen Prompt übernommen wird: für jede Teilschicht durch Attribution "
        "Patching geschätzt (ein Vorwärts- und Rückwärtsdurchlauf) und für die {validated} mit den größten "
        "Schätzungen exakt gepatcht; deren Spearman-Korrelation mit den Schätzungen beträgt {rho} [{low}, "
        "{high}]. Hintereinander liegende Teilschichten können jeweils den ganzen Effekt tragen; die Anteile "
        "müssen sich daher nicht zu 100 % addieren."
    ),
    "counterfactual_sweep.note.mediation_no_change": (
        "Wo der Effekt verläuft: Keines der {pairs} gepatchten kontrafaktischen Prompt-Paare ändert die Log-Odds "
        "der günstigen Antwort; es gibt keinen Effekt, dem man folgen könnte."
    ),
    "counterfactual_sweep.note.mediation_unaligned": (
        "Wo der Effekt verläuft, wurde nicht gemessen: In keinem der {pairs} kontrafaktischen Prompt-Paare ergeben "
        "beide Prompts gleich viele Token, daher lässt sich kein Paar Position für Position patchen."
    ),
    "counterfactual_sweep.note.mediation_none": (
        "Wo der Effekt verläuft, wurde nicht gemessen: Kein Audittext hat ein Kontrafaktum zum Patchen."
    ),
    "counterfactual_sweep.table.mediation_layers": (
        "Anteil der kontrafaktischen Änderung je Teilschicht jeder Schicht"
    ),
    "counterfactual_sweep.table.mediation_components": "Komponenten, die den größten Teil des Effekts tragen",
    "counterfactual_sweep.col.layer": "Schicht",
    "counterfactual_sweep.col.attention_estimate": "Attention (Schätzung)",
    "counterfactual_sweep.col.attention_exact": "Attention (exakt)",
    "counterfactual_sweep.col.mlp_estimate": "MLP (Schätzung)",
    "counterfactual_sweep.col.mlp_exact": "MLP (exakt)",
    "counterfactual_sweep.col.component": "Komponente",
    "counterfactual_sweep.col.estimate": "Anteil (Schätzung)",
    "counterfactual_sweep.col.exact": "Anteil (exakt)",
    "counterfactual_sweep.chart.mediation": "Anteil der kontrafaktischen Änderung je Teilschicht",
    "counterfactual_sweep.chart.mediation_label": "Anteil an der Änderung der Log-Odds",
    "counterfactual_sweep.chart.mediation_attn": "Schicht {layer} Attention",
    "counterfactual_sweep.chart.mediation_mlp": "Schicht {layer} MLP",
    "counterfactual_sweep.chart.mediation_layer": "Schicht {layer}",
    "counterfactual_sweep.note.intervals": (
        "Die Intervalle sind zweiseitig zum Niveau {level} (exakt für Raten, gepaarter Bootstrap für "
        "Score-Änderungen): Ihre Enden sind die einseitigen Grenzen des Äquivalenztests zum Niveau "
        "{confidence} (methods.md C6)."
    ),
    "counterfactual_sweep.note.absent_values": (
        "Die angegebenen Werte {values} von {attribute} kommen in den Daten nicht vor und werden nicht "
        "verglichen (kein Code, zu dem gewechselt werden kann, keine Zeilen, von denen aus gewechselt "
        "wird)."
    ),
    "counterfactual_sweep.note.proxies_declared": "In der Richtlinie angegebene Proxys: {proxies}.",
    "counterfactual_sweep.note.encoding": (
        "Die übrigen Eingaben sagen {attribute} gemeinsam mit einer kreuzvalidierten AUC von {auc} "
        "[{low}, {high}] vorher ({level}; Credo-Score {credo}; Gradient Boosting, {folds}-fach, n={n}). "
        "Das beschreibt die Daten; verschoben werden nur Kandidaten, die in der Screening-Tabelle "
        "angenommen wurden."
    ),
    "counterfactual_sweep.encoding.strong": "starke Kodierung",
    "counterfactual_sweep.encoding.notable": "nennenswerte Kodierung",
    "counterfactual_sweep.encoding.none": "keine nennenswerte Kodierung",
    "counterfactual_sweep.note.weak_associations": (
        "Mit {attribute} assoziiert, aber zu schwach, um als Proxy verschoben zu werden: {candidates}; "
        "geben Sie einen vermuteten Proxy mit 'proxies: [...]' an, um ihn dennoch zu prüfen."
    ),
    "counterfactual_sweep.note.weak_associations_more": (
        "Mit {attribute} assoziiert, aber zu schwach, um als Proxy verschoben zu werden: {candidates} und"
        " {more} weitere; geben Sie einen vermuteten Proxy mit 'proxies: [...]' an, um ihn dennoch zu "
        "prüfen."
    ),
    "counterfactual_sweep.weak_candidate": "{feature} (V {v} [{low}, {high}])",
    "counterfactual_sweep.note.flip_only_vacuous": "Nur Merkmalswechsel: {reason}.",
    "counterfactual_sweep.note.propagated_how": (
        "Propagiert: {maps}. Annahme: Jeder Proxy hängt nur vom Merkmal ab (x′ = f(a′) + ε̂), in einem "
        "Schritt."
    ),
    "counterfactual_sweep.how.category": (
        "{feature} (kategorial, {columns} Spalten, {categories} Kategorien) durch Neuziehen der Kategorie"
        " aus der Verteilung der Zielgruppe, alle Spalten zugleich"
    ),
    "counterfactual_sweep.how.numeric": "{feature} per {method} ({kind}, begrenzt auf {low}…{high})",
    "counterfactual_sweep.method.mean_shift": "Mittelwertverschiebung",
    "counterfactual_sweep.method.quantile_map": "Quantilabbildung",
    "counterfactual_sweep.method.category_redraw": "Neuziehen der Kategorie",
    "counterfactual_sweep.kind.numeric": "numerisch",
    "counterfactual_sweep.kind.discrete": "diskret",
    "counterfactual_sweep.kind.bounded": "beschränkt",
    "counterfactual_sweep.kind.integer": "ganzzahlig",
    "counterfactual_sweep.kind.continuous": "stetig",
    "counterfactual_sweep.kind.categorical": "kategorial",
    "counterfactual_sweep.kind.declared_group": "angegebene Gruppe",
    "counterfactual_sweep.kind.one_hot_block": "One-Hot-Block",
    "counterfactual_sweep.note.draws": (
        "Propagiert: Das Neuziehen von Kategorien und Bindungen der Quantilabbildung verwenden "
        "Zufallsschlüssel; {draws} Ziehungen mit festem Seed werden je Paar gemittelt (Umschlagindikator und "
        "|Δ|), sodass kein Urteil von einer einzelnen Ziehung abhängt. Die gezeigten Beispiele verwenden "
        "Ziehung 1."
    ),
    "counterfactual_sweep.note.no_proxy": (
        "Propagiert: Es wurde kein Proxy angegeben oder erkannt; die Variante entspricht daher dem reinen"
        " Merkmalswechsel und wird nicht wiederholt."
    ),
    "counterfactual_sweep.note.refit": (
        "Die propagierten Intervalle beruhen auf einem Bootstrap des gesamten Schätzers: In jeder von "
        "{resamples} Bootstrap-Stichproben werden die Zeilen innerhalb jeder Gruppe neu gezogen, die "
        "Proxy-Abbildung (Mittelwerte, Quantile, Kategorienverteilungen) wird auf der Stichprobe neu "
        "geschätzt, und die kontrafaktischen Varianten der gezogenen Zeilen werden neu erzeugt und "
        "bewertet; das Intervall einer Umschlagrate ist nie schmaler als ihr exaktes Binomialintervall."
    ),
    "counterfactual_sweep.note.sampled_rows": (
        "Durchlauf auf {rows} der {total} Zeilen (max_examples = {limit}): eine reproduzierbare Stichprobe, "
        "innerhalb jedes Werts des Merkmals proportional zu seiner Größe gezogen. Alle Raten, Änderungen und "
        "Intervalle werden auf dieser Stichprobe geschätzt, die Intervalle enthalten also die Stichprobenziehung; "
        "ein größeres max_examples macht sie schmaler, mit entsprechend mehr Modellauswertungen."
    ),
    "counterfactual_sweep.note.refit_capped": (
        "Die propagierten Intervalle beruhen auf einem Bootstrap des gesamten Schätzers: In jeder von "
        "{resamples} Bootstrap-Stichproben werden die Zeilen innerhalb jeder Gruppe neu gezogen, die "
        "Proxy-Abbildung (Mittelwerte, Quantile, Kategorienverteilungen) wird auf der Stichprobe neu "
        "geschätzt, und die kontrafaktischen Varianten der gezogenen Zeilen werden neu erzeugt und "
        "bewertet (weniger Stichproben als statistics.bootstrap = {bootstrap}, um den Aufwand von "
        "{resamples} × {rows} × {targets} Modellzeilen zu begrenzen); das Intervall einer Umschlagrate "
        "ist nie schmaler als ihr exaktes Binomialintervall."
    ),
    "counterfactual_sweep.note.clipped": (
        "Propagierte Werte, die auf den beobachteten Bereich begrenzt wurden (über alle Ziehungen): "
        "{counts}."
    ),
    "counterfactual_sweep.clipped_count": "{feature} {n}",
    "counterfactual_sweep.note.antisymmetry": (
        "{mode}: Δ({a}→{b}) = {ab} und Δ({b}→{a}) = {ba} spiegeln einander nicht (Summe {gap}): Der "
        "Effekt hängt von der eigenen Gruppe der Beispiele ab, nicht nur vom Wert."
    ),
    "counterfactual_sweep.note.grid": (
        "Raster: {column} wird für jedes von {examples} Beispielen auf {points} Werte von {start} bis "
        "{stop} (Schrittweite {step}) gesetzt ({rows} Modellzeilen)."
    ),
    "counterfactual_sweep.note.lexicon": (
        "Lexikon {lexicon} ({sources}): {rows} Zeilen mit Entsprechungen für {values}. Die Ersetzung "
        "erhält die Groß- und Kleinschreibung, erfolgt an Wortgrenzen, längste Übereinstimmung zuerst, "
        "bei jeder Erwähnung; Erwähnungen des Zielwerts werden zurückgetauscht (wie bei Counterfactual "
        "Data Augmentation). Der Kasus von Pronomen (her → his/him) wird anhand des folgenden Wortes "
        "bestimmt, eine Heuristik ohne POS-Tagger."
    ),
    "counterfactual_sweep.lexicon_source": "{file}, SHA-256 {digest}",
    # ---------------------------------------------------------------- proxy screening
    "counterfactual_sweep.screen.interval": "V {v} [{low}, {high}]",
    "counterfactual_sweep.screen.interval_undefined": "V undefiniert (eine Ausprägung)",
    "counterfactual_sweep.screen.proxy": (
        "Proxy: χ² Holm-p {p} ≤ {alpha} und {interval}, untere Grenze ≥ {min_strength}"
    ),
    "counterfactual_sweep.screen.single_level": "abgelehnt: eine einzige Ausprägung, keine Assoziation messbar",
    "counterfactual_sweep.screen.not_significant": "abgelehnt: Assoziation nicht signifikant (Holm-p {p} > {alpha})",
    "counterfactual_sweep.screen.too_weak": (
        "abgelehnt: zu schwach ({interval}; die untere Grenze liegt unter {min_strength})"
    ),
    # ---------------------------------------------------------------- tables
    "counterfactual_sweep.table.screen": (
        "Proxy-Screening für {attribute}: Ein Proxy braucht einen signifikanten χ²-Test (Holm, α = "
        "{alpha}) und ein Cramérs V, dessen untere Intervallgrenze (Niveau {level}) {min_strength} "
        "erreicht"
    ),
    "counterfactual_sweep.table.comparison": (
        "Nur Merkmalswechsel gegenüber propagiert: Die Differenz ist der Teil des Effekts, der über "
        "Proxys wirkt"
    ),
    "counterfactual_sweep.table.moved": (
        "Von der propagierten kontrafaktischen Variante verschobene Proxys (Mittel über Zeilen und "
        "Ziehungen)"
    ),
    "counterfactual_sweep.table.flips": "Entscheidungsumschläge je Wertepaar ({mode})",
    "counterfactual_sweep.table.flips_text": "Entscheidungsumschläge je Wertepaar",
    "counterfactual_sweep.table.changes": "Score-Änderungen je Wertepaar ({mode})",
    "counterfactual_sweep.table.changes_text": "Score-Änderungen je Wertepaar",
    "counterfactual_sweep.table.ctf": "CTF-Lücke je Ausgangswert ({mode})",
    "counterfactual_sweep.table.ctf_text": "CTF-Lücke je Ausgangswert (Garg et al. 2019)",
    "counterfactual_sweep.table.top_inputs": "Die {n} größten Score-Änderungen ({mode}): Eingaben im Vergleich",
    "counterfactual_sweep.table.top_texts": (
        "Die {n} größten Score-Änderungen: Originaltext und die Ersetzungen, die den kontrafaktischen Text ergeben"
    ),
    "counterfactual_sweep.table.word_pairs": "Verantwortliche Wortpaare: Ersetzungen in den geänderten Entscheidungen",
    "counterfactual_sweep.table.coverage": "Abdeckung: Texte, die das Lexikon umschreiben konnte",
    "counterfactual_sweep.table.exclusions": (
        "Ausschlüsse: ausgelassene Texte (oder einzelne kontrafaktische Varianten) und warum"
    ),
    "counterfactual_sweep.table.grid": (
        "Überschreitungen der Entscheidungsgrenze entlang des Rasters, je Beispielgruppe"
    ),
    "counterfactual_sweep.table.power": (
        "Was die unentschiedenen Messungen entscheiden würde: kleinster nachweisbarer Effekt bei den "
        "verwendeten Paaren"
    ),
    "counterfactual_sweep.cell.vacuous": "gegenstandslos",
    "counterfactual_sweep.cell.no_input_changed": "keine Eingabe geändert",
    "counterfactual_sweep.decision.unchanged": "unverändert",
    "counterfactual_sweep.decision.fav_to_unfav": "günstig → ungünstig",
    "counterfactual_sweep.decision.unfav_to_fav": "ungünstig → günstig",
    "counterfactual_sweep.coverage.audited": "geprüfte Texte",
    "counterfactual_sweep.coverage.covered": "mit mindestens einer Ersetzung (Abdeckung)",
    "counterfactual_sweep.coverage.source": "Ausgangswert {value}",
    "counterfactual_sweep.col.candidate": "Kandidat",
    "counterfactual_sweep.col.changed_inputs": "geänderte Eingaben",
    "counterfactual_sweep.col.chi2_p": "χ²-p",
    "counterfactual_sweep.col.ci_high": "KI oben",
    "counterfactual_sweep.col.ci_low": "KI unten",
    "counterfactual_sweep.col.count": "Anzahl",
    "counterfactual_sweep.col.counterfactuals_lost": "entfallene kontrafaktische Varianten",
    "counterfactual_sweep.col.cramers_v": "Cramérs V",
    "counterfactual_sweep.col.ctf_gap": "CTF-Lücke",
    "counterfactual_sweep.col.decision": "Entscheidung",
    "counterfactual_sweep.col.decision_changes": "Entscheidung ändert sich irgendwo",
    "counterfactual_sweep.col.decisions_changed": "geänderte Entscheidungen",
    "counterfactual_sweep.col.delta": "Δ",
    "counterfactual_sweep.col.difference": "Differenz",
    "counterfactual_sweep.col.example": "Beispiel",
    "counterfactual_sweep.col.example_group": "Beispielgruppe",
    "counterfactual_sweep.col.examples": "Beispiele",
    "counterfactual_sweep.col.examples_shown": "Beispiele",
    "counterfactual_sweep.col.fails_from": "scheitert ab (MDE)",
    "counterfactual_sweep.col.fav_to_unfav": "günstig→ungünstig (b)",
    "counterfactual_sweep.col.flip_rate": "Umschlagrate",
    "counterfactual_sweep.col.flip_rate_flip_only": "Umschlagrate: nur Merkmalswechsel",
    "counterfactual_sweep.col.flips": "Umschläge",
    "counterfactual_sweep.col.generator": "Generator",
    "counterfactual_sweep.col.group": "Gruppe",
    "counterfactual_sweep.col.holm_p": "Holm-p",
    "counterfactual_sweep.col.how": "Verfahren",
    "counterfactual_sweep.col.inv_ci_high": "INV KI oben",
    "counterfactual_sweep.col.inv_rate": "INV-Fehlerrate",
    "counterfactual_sweep.col.kind_columns": "Art / Spalten",
    "counterfactual_sweep.col.max_abs_change": "max. |Δ|",
    "counterfactual_sweep.col.max_at_example": "Maximum bei Beispiel",
    "counterfactual_sweep.col.mcnemar_p": "McNemar-p",
    "counterfactual_sweep.col.mean_abs_change": "mittlere |Δ|",
    "counterfactual_sweep.col.mean_abs_change_flip_only": "mittlere |Δ|: nur Merkmalswechsel",
    "counterfactual_sweep.col.mean_change": "mittlere Δ",
    "counterfactual_sweep.col.mean_crossings": "mittlere Überschreitungen",
    "counterfactual_sweep.col.measurement": "Messung",
    "counterfactual_sweep.col.moved_mean_abs_change": "mittlere |Änderung|",
    "counterfactual_sweep.col.moved_mean_change": "mittlere Änderung",
    "counterfactual_sweep.col.nmi": "NMI",
    "counterfactual_sweep.col.original_text": "Originaltext",
    "counterfactual_sweep.col.p95_abs_change": "p95 |Δ|",
    "counterfactual_sweep.col.p99_abs_change": "p99 |Δ|",
    "counterfactual_sweep.col.p_counterfactual": "P(günstig) kontrafaktisch",
    "counterfactual_sweep.col.p_original": "P(günstig) original",
    "counterfactual_sweep.col.pairs": "Paare",
    "counterfactual_sweep.col.pairs_to_decide": "Paare für eine Entscheidung",
    "counterfactual_sweep.col.passes_up_to": "besteht bis",
    "counterfactual_sweep.col.propagated": "propagiert",
    "counterfactual_sweep.col.proxy": "Proxy",
    "counterfactual_sweep.col.proxy_name": "Proxy",
    "counterfactual_sweep.col.reason": "Grund",
    "counterfactual_sweep.col.screen_decision": "angenommen / abgelehnt, weil",
    "counterfactual_sweep.col.share": "Anteil",
    "counterfactual_sweep.col.share_changed": "Anteil geändert",
    "counterfactual_sweep.col.share_rows_changed": "Anteil geänderter Zeilen",
    "counterfactual_sweep.col.source_value": "Ausgangswert",
    "counterfactual_sweep.col.substitution": "Ersetzung",
    "counterfactual_sweep.col.substitutions": "Ersetzungen",
    "counterfactual_sweep.col.texts": "Texte",
    "counterfactual_sweep.col.texts_row": "Texte",
    "counterfactual_sweep.col.tolerance": "Toleranz",
    "counterfactual_sweep.col.unfav_to_fav": "ungünstig→günstig (c)",
    "counterfactual_sweep.col.v_ci_high": "V KI oben",
    "counterfactual_sweep.col.v_ci_low": "V KI unten",
    "counterfactual_sweep.col.value": "Wert",
    "counterfactual_sweep.col.value_pair": "Wertepaar",
    "counterfactual_sweep.col.values_clipped": "begrenzte Werte",
    # ---------------------------------------------------------------- charts
    "counterfactual_sweep.chart.cell": "{value} [{low}, {high}]",
    "counterfactual_sweep.chart.flip_rate": "Umschlagrate je Wertepaar ({mode}; Zeilen: von, Spalten: zu)",
    "counterfactual_sweep.chart.flip_rate_label": "Umschlagrate",
    "counterfactual_sweep.chart.mean_change": (
        "Mittlere Score-Änderung Δ je Wertepaar ({mode}; Zeilen: von, Spalten: zu)"
    ),
    "counterfactual_sweep.chart.mean_change_label": "mittlere Δ P(günstig)",
    "counterfactual_sweep.chart.grid": (
        "P(günstig), während {attribute} das Raster durchläuft: Median und 10–90-%-Band je Gruppe"
    ),
    "counterfactual_sweep.chart.p_favourable": "P(günstig)",
    "counterfactual_sweep.chart.series_group": "{group} (n={n})",
    "counterfactual_sweep.chart.decision_threshold": "Entscheidungsschwelle",
    # ---------------------------------------------------------------- findings
    "counterfactual_sweep.finding.direct": (
        "Die Entscheidungen hängen von {attribute} ab. {subject}: {value} [{low}, {high}] {effect}, "
        "vollständig über der Toleranz von {tolerance}."
    ),
    "counterfactual_sweep.finding.proxy": (
        "Der Proxy {proxy} trägt {attribute} in die Entscheidungen, was ein Wechsel von {attribute} "
        "allein nicht zeigt. {subject}: {value} [{low}, {high}] {effect}, vollständig über der Toleranz "
        "von {tolerance} (verschobene Proxys: {proxies})."
    ),
    "counterfactual_sweep.finding.undecided": (
        "Die kontrafaktische Prüfung von {attribute} ist unentschieden: Ein Intervall überdeckt seine "
        "Toleranz; prüfen Sie mehr Beispiele, um sie zu entscheiden."
    ),
    "counterfactual_sweep.finding.undecided.need": (
        "Die kontrafaktische Prüfung von {attribute} ist unentschieden: Ein Intervall überdeckt seine "
        "Toleranz; etwa {needed} Paare je Wertepaar würden sie entscheiden."
    ),
    "counterfactual_sweep.finding.not_judged": (
        "Die kontrafaktischen Varianten von {attribute} konnten nicht für jedes Wertepaar beurteilt "
        "werden ({reasons}); prüfen Sie mehr Zeilen der kleinen Gruppen."
    ),
    "counterfactual_sweep.meaning.subject.flip_only": (
        "Wäre {attribute} einer Person anders gewesen ({pair}), bei sonst gleichen Eingaben"
    ),
    "counterfactual_sweep.meaning.subject.propagated": (
        "Wären {attribute} einer Person und die Eingaben, die es tragen ({proxies}), anders gewesen ({pair})"
    ),
    "counterfactual_sweep.meaning.subject.text": (
        "Wären die Wörter, die {attribute} anzeigen, anders gewesen ({pair})"
    ),
    "counterfactual_sweep.meaning.subject.grid": (
        "Hätte {attribute} einer Person die anderen geprüften Werte gehabt"
    ),
    "counterfactual_sweep.meaning.fail.rate": (
        "{subject}, hätten sich {value} der Entscheidungen geändert (Konfidenz {level}: {low} bis {high}), "
        "mehr als die {tolerance}, die die Policy toleriert: Für die betroffenen Personen hängt die "
        "Entscheidung von {attribute} ab."
    ),
    "counterfactual_sweep.meaning.fail.score": (
        "{subject}, hätte sich der Score des Modells im Mittel um {value} verschoben (Konfidenz {level}: "
        "{low} bis {high}), mehr als die {tolerance}, die die Policy toleriert, auch wo die Entscheidung "
        "selbst gleich blieb."
    ),
    "counterfactual_sweep.meaning.via_proxies": (
        "Ändert man nur {attribute}, ändern sich höchstens {value} der Entscheidungen: {attribute} wirkt über "
        "die Eingaben, die es tragen ({proxies}), auf die Entscheidungen."
    ),
    "counterfactual_sweep.meaning.via_proxies_only": (
        "Das Modell erhält {attribute} nicht selbst: Es wirkt über die Eingaben, die es tragen ({proxies}), "
        "auf die Entscheidungen."
    ),
    "counterfactual_sweep.meaning.pass": (
        "{subject}, hätten sich {value} der Entscheidungen geändert, mit einer Konfidenz von {level} "
        "höchstens {high}, innerhalb der {tolerance}, die die Policy toleriert: Für die geprüften Änderungen "
        "hängen die Entscheidungen nicht über diese Toleranz hinaus von {attribute} ab."
    ),
    "counterfactual_sweep.meaning.undecided.rate": (
        "{subject}, hätten sich {value} der Entscheidungen geändert, mit einer Konfidenz von {level} aber "
        "irgendwo zwischen {low} und {high}, also auf beiden Seiten der {tolerance}, die die Policy "
        "toleriert: Ob die Entscheidungen stärker von {attribute} abhängen, als die Policy erlaubt, lässt "
        "sich aus den Prüfdaten nicht sagen."
    ),
    "counterfactual_sweep.meaning.undecided.score": (
        "{subject}, hätte sich der Score des Modells im Mittel um {value} verschoben, mit einer Konfidenz von "
        "{level} aber irgendwo zwischen {low} und {high}, also auf beiden Seiten der {tolerance}, die die "
        "Policy toleriert: Ob die Entscheidungen stärker von {attribute} abhängen, als die Policy erlaubt, "
        "lässt sich aus den Prüfdaten nicht sagen."
    ),
    "counterfactual_sweep.meaning.needed": (
        "Etwa {needed} Personen je verglichenem Wertepaar würden es entscheiden."
    ),
    "counterfactual_sweep.meaning.not_judged": (
        "Einige Werte von {attribute} ließen sich nicht vergleichen ({reasons}); ob die Entscheidungen für "
        "die betroffenen Personen von {attribute} abhängen, lässt sich aus den Prüfdaten daher nicht sagen."
    ),
}

MESSAGES: dict[str, dict[str, str]] = {"en": _EN, "de": _DE}
