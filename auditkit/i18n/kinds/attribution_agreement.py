"""Messages of the ``attribution_agreement`` check: summaries, rules, findings, notes, tables, charts and the
per-decision explanations (Art. 86). Method, feature and attribute names are data and travel verbatim."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # -- summaries
        "attribution_agreement.summary.skipped": "Not run: fewer than two attribution methods can run on this "
        "model: {reasons}.",
        "attribution_agreement.skipped.reason": "{method}: {reason}",
        "attribution_agreement.summary.sanity_failed": "{methods} failed the randomisation sanity check (its "
        "attributions survive randomising the model's weights), and the policy requires every method to pass it.",
        "attribution_agreement.summary.too_few_sane": "Fewer than two methods passed the sanity check, so agreement "
        "could not be assessed.",
        "attribution_agreement.summary.head": "{methods} methods compared on {n} instances; the lowest rank "
        "correlation is {value} [{low}, {high}] ({pair})",
        "attribution_agreement.summary.low_agreement": "{head}; agreement is not shown to meet the policy minimum "
        "for {low} of {pairs} pairs (warning).",
        "attribution_agreement.summary.sanity_undecided": "{head}; the sanity check could not decide for "
        "{methods}, so agreement alone cannot pass the check.",
        "attribution_agreement.summary.pass": "{head}; every pair meets the agreement minimum on its whole "
        "interval.",
        "attribution_agreement.pair": "{a} vs {b}",
        "attribution_agreement.and": "{items} and {last}",
        # -- rules (the acceptance criterion the report prints)
        "attribution_agreement.rule.sanity_check_failed": "Randomisation sanity check, required by the policy: "
        "each method's mean Spearman ρ of |φ| between the trained and the fully randomised model must not exceed "
        "{limit}; a method whose whole interval lies above it fails the check",
        "attribution_agreement.rule.too_few_sane_methods": "At least two methods must remain after the "
        "randomisation sanity check (mean Spearman ρ of |φ| ≤ {limit}; methods above it are excluded) for their "
        "agreement to be assessed; with fewer, the check cannot decide",
        "attribution_agreement.rule.agreement_not_shown": "Every pair of retained methods meets every agreement "
        "minimum ({minimums}) on its whole interval; a pair below a minimum, or not shown to reach it, is a "
        "warning (methods.md B6.6), not a failure",
        "attribution_agreement.rule.sanity_undecided": "Every pair of retained methods meets every agreement "
        "minimum ({minimums}) on its whole interval, and every method passes the required randomisation sanity "
        "check (mean Spearman ρ of |φ| ≤ {limit} on its whole interval); a method the sanity check cannot decide "
        "leaves the check undecided",
        "attribution_agreement.rule.agreement_meets_minimum": "Every pair of retained methods meets every "
        "agreement minimum ({minimums}) on its whole interval, and {sanity}",
        "attribution_agreement.minimum": "{metric} ≥ {threshold}",
        "attribution_agreement.minimum.none": "none set by the policy",
        "attribution_agreement.sanity.required": "every method passes the required randomisation sanity check "
        "(mean Spearman ρ of |φ| against the fully randomised model ≤ {limit} on its whole interval)",
        "attribution_agreement.sanity.not_required": "the randomisation sanity check is not required by the "
        "policy: a method above ρ = {limit} is only excluded from the agreement statistics",
        # -- findings
        "attribution_agreement.finding.sanity_failed": "{method} is model-insensitive: its attributions survive "
        "randomising the model's weights (mean Spearman ρ of |φ| above {limit}); its explanations must not be "
        "shown to overseers.",
        "attribution_agreement.finding.too_few_sane": "Fewer than two attribution methods pass the randomisation "
        "sanity check (excluded: {methods}); the explanations shown to overseers cannot be cross-checked.",
        "attribution_agreement.finding.low_agreement": "{pair}: agreement is not shown to meet the policy "
        "minimum; the explanations shown to overseers depend on the method chosen.",
        "attribution_agreement.finding.sanity_undecided": "The randomisation sanity check could not decide "
        "whether {method} changes with the model (limit: mean Spearman ρ of |φ| ≤ {limit}).",
        "attribution_agreement.finding.protected_flag": "{attribute} carries more than 5 % of the attribution mass "
        "or is in the top 3 for more than 10 % of instances by {method}: escalate to the counterfactual test "
        "(methods.md A3, C).",
        # -- measurements
        "attribution_agreement.measure.sanity_rank_correlation": "rank correlation with the randomised model "
        "(sanity check)",
        "attribution_agreement.measure.ig_completeness_max_relative_delta": "largest relative completeness error δ "
        "of Integrated Gradients",
        "attribution_agreement.measure.deletion_gain": "deletion gain",
        "attribution_agreement.measure.insertion_gain": "insertion gain",
        "attribution_agreement.measure.comprehensiveness_aopc": "comprehensiveness AOPC",
        "attribution_agreement.measure.sufficiency_aopc": "sufficiency AOPC",
        "attribution_agreement.measure.feature_agreement": "feature agreement (FA)",
        "attribution_agreement.measure.feature_agreement_star": "chance-corrected feature agreement (FA*)",
        "attribution_agreement.measure.rank_agreement": "rank agreement (RA)",
        "attribution_agreement.measure.sign_agreement": "sign agreement (SA)",
        "attribution_agreement.measure.signed_rank_agreement": "signed rank agreement (SRA)",
        "attribution_agreement.measure.rank_correlation": "rank correlation (RC)",
        "attribution_agreement.measure.pairwise_rank_agreement": "pairwise rank agreement (PRA)",
        "attribution_agreement.measure.protected_share": "attribution share of the protected attribute",
        "attribution_agreement.measure.protected_in_top_k_fleiss_kappa": "Fleiss' κ on the protected attribute in "
        "the top k",
        # -- notes
        "attribution_agreement.note.method_not_run": "{method} was not run: {reason}.",
        "attribution_agreement.note.sanity_not_run": "The randomisation sanity check was not run (sanity_examples: "
        "0).",
        "attribution_agreement.note.sanity_cannot_run": "The randomisation sanity check cannot run: {reason}.",
        "attribution_agreement.note.model_insensitive": "Model-insensitive (attributions barely change when the "
        "model's weights are randomised), so excluded from the agreement statistics: {methods}.",
        "attribution_agreement.note.not_recomputed": "{method} could not be recomputed on the randomised model: "
        "{reason}.",
        "attribution_agreement.note.completeness_missed": "Integrated Gradients misses completeness (|δ| ≤ 5 % of "
        "F(x) − F(x′)) on {missed} of {n} instances even with {steps} steps (largest relative δ {delta}); their "
        "attributions are approximate.",
        "attribution_agreement.note.completeness_met": "Integrated Gradients meets completeness on every instance "
        "(largest relative δ {delta}; up to {steps} integration steps).",
        "attribution_agreement.note.loses_to_random": "{method} loses to random orders in the deletion test: "
        "removing its top features first changes the score less than random removal.",
        "attribution_agreement.note.eraser": "ERASER comprehensiveness and sufficiency replace words by [PAD] (not "
        "deletion), at rationale sizes of 1, 5, 10, 20 and 50 % of each text's words.",
        "attribution_agreement.note.protected_text": "Protected attributes in the top k are not assessed for text "
        "models: it needs a term lexicon per attribute (see the counterfactual checks).",
        "attribution_agreement.note.protected_not_input": "{attribute} is not a model input, so its direct "
        "attribution is zero by construction; use the prohibited-feature and counterfactual checks for proxies.",
        "attribution_agreement.note.protected_flag": "{attribute} carries more than 5 % of the attribution mass or "
        "is in the top 3 for more than 10 % of instances by {method}: escalate to the counterfactual test "
        "(methods.md A3, C).",
        "attribution_agreement.note.kappa_undefined": "Fleiss' κ for {attribute} in the top {k} is undefined: "
        "every method gives the same answer on every instance.",
        "attribution_agreement.note.low_agreement": "Warning (methods.md B6.6): agreement below the policy "
        "minimum, or not shown to reach it, for {pairs}. Explanations shown to overseers depend on the method "
        "chosen; treat each as one view, not the reason.",
        "attribution_agreement.note.feature_groups": "Attributions are per original feature: {groups} each "
        "count as one feature (their columns are switched and summed together), {features} features from {columns} "
        "model inputs.",
        "attribution_agreement.feature_group": "{name} ({columns} columns)",
        # -- tables
        "attribution_agreement.table.precision.title": "Sampling precision of the sampled Shapley estimates "
        "(standard error of each attribution; an instance stops when its largest standard error is at most "
        "{tolerance} of its attribution range, or after {rounds} rounds of one antithetic pair per background row)",
        "attribution_agreement.column.pairs": "antithetic pairs per instance (mean)",
        "attribution_agreement.column.converged": "instances within tolerance",
        "attribution_agreement.column.mean_stderr": "mean standard error",
        "attribution_agreement.column.max_relative_stderr": "largest standard error / attribution range",
        # -- tables
        "attribution_agreement.table.methods.title": "Attribution methods (explained: {explained} of the "
        "favourable class; reference: {reference}; {n} instances)",
        "attribution_agreement.explained.logit": "logit",
        "attribution_agreement.explained.probability": "probability",
        "attribution_agreement.reference.mean": "mean of a background sample of {rows} rows",
        "attribution_agreement.reference.zero": "all-zero input",
        "attribution_agreement.reference.text": "[PAD] in place of each word's tokens ([CLS]/[SEP] kept, attention "
        "mask unchanged)",
        "attribution_agreement.pass.forward": "forward",
        "attribution_agreement.pass.backward": "forward+backward",
        "attribution_agreement.method_status.ran": "ran",
        "attribution_agreement.method_status.skipped": "skipped: {reason}",
        "attribution_agreement.table.sanity.title": "Model-parameter randomisation: mean Spearman ρ of |φ| between "
        "the trained and a randomised model ({instances} instances; limit ≤ {limit})",
        "attribution_agreement.sanity_verdict.pass": "changes with the model",
        "attribution_agreement.sanity_verdict.fail": "model-insensitive (excluded)",
        "attribution_agreement.sanity_verdict.inconclusive": "undecided",
        "attribution_agreement.table.faithfulness.title": "Faithfulness: deletion and insertion against {repeats} "
        "random orders (areas in units of the explained score, oriented from the full input to the reference; "
        "gain > 0 beats random, > 1 when removal overshoots the reference)",
        "attribution_agreement.table.agreement.title.features": "Agreement per method pair (mean over instances, "
        "k = {k} features; chance levels: FA k/d, RC 0, PRA 0.5)",
        "attribution_agreement.table.agreement.title.words": "Agreement per method pair (mean over instances, k = "
        "{k} words; chance levels: FA k/d, RC 0, PRA 0.5)",
        "attribution_agreement.families.within": "within",
        "attribution_agreement.families.across": "across",
        "attribution_agreement.table.ceiling.title": "Self-agreement ceiling of stochastic methods (same method, "
        "different seeds): read agreement between methods relative to it",
        "attribution_agreement.table.protected.title": "Protected attributes: attribution share and presence in the "
        "top {k}",
        "attribution_agreement.table.explanations.title": "Per-decision explanations in words (EU AI Act Art. 86), "
        "by {method} (the most faithful method in the deletion test)",
        "attribution_agreement.column.method": "method",
        "attribution_agreement.column.name": "name",
        "attribution_agreement.column.family": "family",
        "attribution_agreement.column.evaluations": "model evaluations per instance",
        "attribution_agreement.column.pass": "pass",
        "attribution_agreement.column.seconds": "seconds",
        "attribution_agreement.column.ms_per_instance": "ms per instance",
        "attribution_agreement.column.status": "status",
        "attribution_agreement.column.stage": "top {stage} of {blocks} layers random",
        "attribution_agreement.column.all_stages": "all {blocks} layers random (mean of {draws} models)",
        "attribution_agreement.column.stage_trees": "last {stage} of {blocks} trees' leaves random",
        "attribution_agreement.column.all_stages_trees": "all {blocks} trees' leaves random (mean of {draws} models)",
        "attribution_agreement.column.ci_low": "CI low",
        "attribution_agreement.column.ci_high": "CI high",
        "attribution_agreement.column.verdict": "verdict",
        "attribution_agreement.column.deletion_auc": "deletion AUC",
        "attribution_agreement.column.random_auc": "random AUC",
        "attribution_agreement.column.insertion_auc": "insertion AUC",
        "attribution_agreement.column.random_auc_insertion": "random AUC (ins.)",
        "attribution_agreement.column.ci_low_insertion": "CI low (ins.)",
        "attribution_agreement.column.ci_high_insertion": "CI high (ins.)",
        "attribution_agreement.column.pair": "pair",
        "attribution_agreement.column.families": "families",
        "attribution_agreement.column.rc_ci_low": "RC CI low",
        "attribution_agreement.column.rc_ci_high": "RC CI high",
        "attribution_agreement.column.seeds": "seeds",
        "attribution_agreement.column.instances": "instances",
        "attribution_agreement.column.attribute": "attribute",
        "attribution_agreement.column.mean_share": "mean share",
        "attribution_agreement.column.in_top_k": "in top {k}",
        "attribution_agreement.column.in_top_3": "in top 3",
        "attribution_agreement.column.mean_signed_phi": "mean signed φ",
        "attribution_agreement.column.flag": "flag (A3)",
        "attribution_agreement.column.instance": "instance",
        "attribution_agreement.column.decision": "decision",
        "attribution_agreement.column.score": "score",
        "attribution_agreement.column.explanation": "explanation",
        # -- per-decision explanations (Art. 86)
        "attribution_agreement.decision.favourable": "favourable",
        "attribution_agreement.decision.unfavourable": "unfavourable",
        "attribution_agreement.explanation.row": "row {row}",
        "attribution_agreement.explanation.decision": "Decision on {instance} ({decision}; probability of the "
        "favourable outcome {score}): the main factors of this decision were {factors}, according to {method}.",
        "attribution_agreement.explanation.factor.raised": "{feature} (raised the score, {value})",
        "attribution_agreement.explanation.factor.lowered": "{feature} (lowered the score, {value})",
        "attribution_agreement.explanation.no_factors": "not identifiable (all attributions are zero)",
        "attribution_agreement.explanation.support": "Among their own top {count}, {methods}.",
        "attribution_agreement.explanation.support.method": "{method} has {n} of these {of}",
        "attribution_agreement.explanation.with_support": "{decision} {support}",
        # -- charts
        "attribution_agreement.chart.cascade.title": "Cascading randomisation: similarity to the trained model",
        "attribution_agreement.chart.cascade.x_label": "layers randomised (from the output down)",
        "attribution_agreement.chart.cascade.x_label_trees": "trees with random leaf values (last boosted first)",
        "attribution_agreement.chart.cascade.y_label": "mean Spearman ρ of |φ|",
        "attribution_agreement.chart.cascade.tick": "{stage} of {blocks}",
        "attribution_agreement.chart.cascade.tick_mean": "{stage} of {blocks} (mean of {draws} models)",
        "attribution_agreement.chart.cascade.limit": "sanity limit",
        "attribution_agreement.chart.random_order": "random order",
        "attribution_agreement.chart.deletion.title": "Deletion curves (mean over instances)",
        "attribution_agreement.chart.insertion.title": "Insertion curves (mean over instances)",
        "attribution_agreement.chart.deletion.x_label.features": "fraction of features removed",
        "attribution_agreement.chart.deletion.x_label.words": "fraction of words removed",
        "attribution_agreement.chart.insertion.x_label.features": "fraction of features restored",
        "attribution_agreement.chart.insertion.x_label.words": "fraction of words restored",
        "attribution_agreement.chart.curve.y_label": "score (full input 1, reference 0)",
        "attribution_agreement.chart.heatmap.rank_correlation": "Rank correlation between methods",
        "attribution_agreement.chart.heatmap.feature_agreement_star": "Top-k feature agreement (chance-corrected) "
        "between methods",
        "attribution_agreement.chart.heatmap.cell": "{value} [{low}, {high}]",
        "attribution_agreement.chart.heatmap.ceiling": "ceiling {value}",
        "attribution_agreement.meaning.agreement_meets_minimum": (
            "The explanations given for individual decisions are consistent across {methods} independent methods: "
            "even the least agreeing pair ({pair}) reaches {value} on a scale from −1 to 1 ({level} confidence: "
            "{low} to {high}), above the policy's minimum. They can be shown to staff and to the people decided "
            "about as an account of what drove each decision; they describe the model, not whether its reasons "
            "are justified."
        ),
        "attribution_agreement.meaning.agreement_not_shown": (
            "Different explanation methods do not agree well enough on what drove individual decisions: the least "
            "agreeing pair ({pair}) reaches {value} on a scale from −1 to 1 ({level} confidence: {low} to "
            "{high}), and {count} of {pairs} pairs are not shown to meet the policy's minimum. What a person is "
            "told about their decision could depend on which method produced it, so explanations need care before "
            "they are shown."
        ),
        "attribution_agreement.meaning.sanity_undecided": (
            "The explanation methods agree (the least agreeing pair, {pair}, reaches {value} on a scale from −1 "
            "to 1; {level} confidence: {low} to {high}), but the data cannot tell whether {undecided} reflect "
            "what the model has learned, so explanations from them cannot yet be relied on for individual "
            "decisions."
        ),
        "attribution_agreement.meaning.sanity_check_failed": (
            "The explanations of {methods} do not reflect what the model has learned: they stay much the same for "
            "a model whose learned weights are scrambled (similarity {value}; the policy allows at most {limit}). "
            "Explanations from them must not be given to the people decided about or used to justify decisions."
        ),
        "attribution_agreement.meaning.too_few_sane_methods": (
            "Fewer than two explanation methods reflect what the model has learned (the explanations of {methods} "
            "stay much the same "
            "for a model whose learned weights are scrambled: similarity up to {value}, the policy allows at most "
            "{limit}), so whether explanations agree cannot be tested; explanations of individual decisions "
            "cannot be relied on yet."
        ),
        "attribution_agreement.meaning.protected": (
            "The explanations by {method} give {attribute} {share} of the weight behind a decision on average "
            "({level} confidence: {low} to {high}): the model's decisions draw directly on {attribute}."
        ),
    },
    "de": {
        # -- summaries
        "attribution_agreement.summary.skipped": "Nicht durchgeführt: Auf diesem Modell lassen sich weniger als "
        "zwei Attributionsmethoden ausführen: {reasons}.",
        "attribution_agreement.skipped.reason": "{method}: {reason}",
        "attribution_agreement.summary.sanity_failed": "{methods} hat die Randomisierungs-Plausibilitätsprüfung "
        "nicht bestanden (die Attributionen überstehen die Randomisierung der Modellgewichte), und die "
        "Prüfrichtlinie verlangt, dass jede Methode sie besteht.",
        "attribution_agreement.summary.too_few_sane": "Weniger als zwei Methoden haben die Plausibilitätsprüfung "
        "bestanden, daher ließ sich die Übereinstimmung nicht beurteilen.",
        "attribution_agreement.summary.head": "{methods} Methoden an {n} Instanzen verglichen; die niedrigste "
        "Rangkorrelation beträgt {value} [{low}, {high}] ({pair})",
        "attribution_agreement.summary.low_agreement": "{head}; für {low} von {pairs} Paaren ist nicht belegt, dass "
        "die Übereinstimmung das Minimum der Prüfrichtlinie erreicht (Warnung).",
        "attribution_agreement.summary.sanity_undecided": "{head}; die Plausibilitätsprüfung konnte für {methods} "
        "nicht entscheiden, daher genügt die Übereinstimmung allein nicht zum Bestehen.",
        "attribution_agreement.summary.pass": "{head}; jedes Paar erreicht das Übereinstimmungsminimum auf seinem "
        "ganzen Intervall.",
        "attribution_agreement.pair": "{a} und {b}",
        "attribution_agreement.and": "{items} und {last}",
        # -- rules
        "attribution_agreement.rule.sanity_check_failed": "Randomisierungs-Plausibilitätsprüfung, von der "
        "Prüfrichtlinie verlangt: Das mittlere Spearman-ρ von |φ| zwischen dem trainierten und dem vollständig "
        "randomisierten Modell darf für keine Methode {limit} überschreiten; eine Methode, deren ganzes Intervall "
        "darüber liegt, lässt die Prüfung scheitern",
        "attribution_agreement.rule.too_few_sane_methods": "Nach der Randomisierungs-Plausibilitätsprüfung "
        "(mittleres Spearman-ρ von |φ| ≤ {limit}; Methoden darüber werden ausgeschlossen) müssen mindestens zwei "
        "Methoden verbleiben, damit ihre Übereinstimmung beurteilt werden kann; mit weniger bleibt die Prüfung "
        "unentschieden",
        "attribution_agreement.rule.agreement_not_shown": "Jedes Paar verbleibender Methoden erreicht jedes "
        "Übereinstimmungsminimum ({minimums}) auf seinem ganzen Intervall; ein Paar darunter, oder ohne Nachweis, "
        "dass es das Minimum erreicht, ist eine Warnung (methods.md B6.6), kein Nichtbestehen",
        "attribution_agreement.rule.sanity_undecided": "Jedes Paar verbleibender Methoden erreicht jedes "
        "Übereinstimmungsminimum ({minimums}) auf seinem ganzen Intervall, und jede Methode besteht die verlangte "
        "Randomisierungs-Plausibilitätsprüfung (mittleres Spearman-ρ von |φ| ≤ {limit} auf dem ganzen Intervall); "
        "eine Methode, über die die Plausibilitätsprüfung nicht entscheiden kann, lässt die Prüfung unentschieden",
        "attribution_agreement.rule.agreement_meets_minimum": "Jedes Paar verbleibender Methoden erreicht jedes "
        "Übereinstimmungsminimum ({minimums}) auf seinem ganzen Intervall, und {sanity}",
        "attribution_agreement.minimum": "{metric} ≥ {threshold}",
        "attribution_agreement.minimum.none": "von der Prüfrichtlinie keines festgelegt",
        "attribution_agreement.sanity.required": "jede Methode besteht die verlangte "
        "Randomisierungs-Plausibilitätsprüfung (mittleres Spearman-ρ von |φ| gegenüber dem vollständig "
        "randomisierten Modell ≤ {limit} auf dem ganzen Intervall)",
        "attribution_agreement.sanity.not_required": "die Randomisierungs-Plausibilitätsprüfung ist von der "
        "Prüfrichtlinie nicht verlangt: Eine Methode über ρ = {limit} wird nur aus der Übereinstimmungsstatistik "
        "ausgeschlossen",
        # -- findings
        "attribution_agreement.finding.sanity_failed": "{method} ist modellunempfindlich: Ihre Attributionen "
        "überstehen die Randomisierung der Modellgewichte (mittleres Spearman-ρ von |φ| über {limit}); ihre "
        "Erklärungen dürfen Aufsichtspersonen nicht gezeigt werden.",
        "attribution_agreement.finding.too_few_sane": "Weniger als zwei Attributionsmethoden bestehen die "
        "Randomisierungs-Plausibilitätsprüfung (ausgeschlossen: {methods}); die Aufsichtspersonen gezeigten "
        "Erklärungen lassen sich nicht gegenprüfen.",
        "attribution_agreement.finding.low_agreement": "{pair}: Es ist nicht belegt, dass die Übereinstimmung das "
        "Minimum der Prüfrichtlinie erreicht; die Aufsichtspersonen gezeigten Erklärungen hängen von der gewählten "
        "Methode ab.",
        "attribution_agreement.finding.sanity_undecided": "Die Randomisierungs-Plausibilitätsprüfung konnte nicht "
        "entscheiden, ob sich {method} mit dem Modell ändert (Grenze: mittleres Spearman-ρ von |φ| ≤ {limit}).",
        "attribution_agreement.finding.protected_flag": "{attribute} trägt bei {method} mehr als 5 % der "
        "Attributionsmasse oder steht bei mehr als 10 % der Instanzen unter den ersten 3: an die "
        "kontrafaktische Prüfung weitergeben (methods.md A3, C).",
        # -- measurements
        "attribution_agreement.measure.sanity_rank_correlation": "Rangkorrelation mit dem randomisierten Modell "
        "(Plausibilitätsprüfung)",
        "attribution_agreement.measure.ig_completeness_max_relative_delta": "größter relativer "
        "Vollständigkeitsfehler δ von Integrated Gradients",
        "attribution_agreement.measure.deletion_gain": "Gewinn im Löschtest",
        "attribution_agreement.measure.insertion_gain": "Gewinn im Einfügetest",
        "attribution_agreement.measure.comprehensiveness_aopc": "Vollständigkeit der Begründung (AOPC)",
        "attribution_agreement.measure.sufficiency_aopc": "Hinlänglichkeit der Begründung (AOPC)",
        "attribution_agreement.measure.feature_agreement": "Merkmalsübereinstimmung (FA)",
        "attribution_agreement.measure.feature_agreement_star": "zufallskorrigierte Merkmalsübereinstimmung (FA*)",
        "attribution_agreement.measure.rank_agreement": "Rangübereinstimmung (RA)",
        "attribution_agreement.measure.sign_agreement": "Vorzeichenübereinstimmung (SA)",
        "attribution_agreement.measure.signed_rank_agreement": "Rang- und Vorzeichenübereinstimmung (SRA)",
        "attribution_agreement.measure.rank_correlation": "Rangkorrelation (RC)",
        "attribution_agreement.measure.pairwise_rank_agreement": "paarweise Rangübereinstimmung (PRA)",
        "attribution_agreement.measure.protected_share": "Attributionsanteil des geschützten Merkmals",
        "attribution_agreement.measure.protected_in_top_k_fleiss_kappa": "Fleiss' κ für das geschützte Merkmal "
        "unter den ersten k",
        # -- notes
        "attribution_agreement.note.method_not_run": "{method} wurde nicht ausgeführt: {reason}.",
        "attribution_agreement.note.sanity_not_run": "Die Randomisierungs-Plausibilitätsprüfung wurde nicht "
        "durchgeführt (sanity_examples: 0).",
        "attribution_agreement.note.sanity_cannot_run": "Die Randomisierungs-Plausibilitätsprüfung ist nicht "
        "durchführbar: {reason}.",
        "attribution_agreement.note.model_insensitive": "Modellunempfindlich (die Attributionen ändern sich kaum, "
        "wenn die Modellgewichte randomisiert werden), daher aus der Übereinstimmungsstatistik ausgeschlossen: "
        "{methods}.",
        "attribution_agreement.note.not_recomputed": "{method} ließ sich auf dem randomisierten Modell nicht neu "
        "berechnen: {reason}.",
        "attribution_agreement.note.completeness_missed": "Integrated Gradients verfehlt die Vollständigkeit "
        "(|δ| ≤ 5 % von F(x) − F(x′)) bei {missed} von {n} Instanzen selbst mit {steps} Schritten (größtes "
        "relatives δ {delta}); diese Attributionen sind Näherungen.",
        "attribution_agreement.note.completeness_met": "Integrated Gradients erfüllt die Vollständigkeit bei jeder "
        "Instanz (größtes relatives δ {delta}; bis zu {steps} Integrationsschritte).",
        "attribution_agreement.note.loses_to_random": "{method} unterliegt im Löschtest zufälligen Reihenfolgen: "
        "Das Entfernen ihrer wichtigsten Merkmale zuerst verändert den Score weniger als zufälliges Entfernen.",
        "attribution_agreement.note.eraser": "ERASER-Vollständigkeit und -Hinlänglichkeit ersetzen Wörter durch "
        "[PAD] (statt sie zu löschen), bei Begründungsgrößen von 1, 5, 10, 20 und 50 % der Wörter jedes Texts.",
        "attribution_agreement.note.protected_text": "Geschützte Merkmale unter den ersten k werden bei Textmodellen "
        "nicht beurteilt: Dazu bräuchte es ein Begriffslexikon je Merkmal (siehe die kontrafaktischen Prüfungen).",
        "attribution_agreement.note.protected_not_input": "{attribute} ist keine Modelleingabe, seine direkte "
        "Attribution ist daher konstruktionsbedingt null; für Stellvertretermerkmale (Proxys) die Prüfungen auf "
        "verbotene Merkmalsnutzung und die kontrafaktischen Prüfungen verwenden.",
        "attribution_agreement.note.protected_flag": "{attribute} trägt bei {method} mehr als 5 % der "
        "Attributionsmasse oder steht bei mehr als 10 % der Instanzen unter den ersten 3: an die "
        "kontrafaktische Prüfung weitergeben (methods.md A3, C).",
        "attribution_agreement.note.kappa_undefined": "Fleiss' κ für {attribute} unter den ersten {k} ist nicht "
        "definiert: Jede Methode gibt bei jeder Instanz dieselbe Antwort.",
        "attribution_agreement.note.low_agreement": "Warnung (methods.md B6.6): Übereinstimmung unter dem Minimum "
        "der Prüfrichtlinie, oder nicht nachweislich darüber, für {pairs}. Die Aufsichtspersonen gezeigten "
        "Erklärungen hängen von der gewählten Methode ab; jede ist als eine Sicht zu lesen, nicht als der Grund.",
        "attribution_agreement.note.feature_groups": "Die Attributionen gelten je ursprünglichem Merkmal: "
        "{groups} zählen jeweils als ein Merkmal (ihre Spalten werden gemeinsam ersetzt und summiert), {features} "
        "Merkmale aus {columns} Modelleingaben.",
        "attribution_agreement.feature_group": "{name} ({columns} Spalten)",
        # -- tables
        "attribution_agreement.table.precision.title": "Stichprobengenauigkeit der geschätzten Shapley-Werte "
        "(Standardfehler jeder Attribution; eine Instanz endet, sobald ihr größter Standardfehler höchstens "
        "{tolerance} ihrer Attributionsspanne beträgt, spätestens nach {rounds} Runden mit einem antithetischen "
        "Paar je Hintergrundzeile)",
        "attribution_agreement.column.pairs": "antithetische Paare je Instanz (Mittel)",
        "attribution_agreement.column.converged": "Instanzen innerhalb der Toleranz",
        "attribution_agreement.column.mean_stderr": "mittlerer Standardfehler",
        "attribution_agreement.column.max_relative_stderr": "größter Standardfehler / Attributionsspanne",
        # -- tables
        "attribution_agreement.table.methods.title": "Attributionsmethoden (erklärt: {explained} der günstigen "
        "Klasse; Referenz: {reference}; {n} Instanzen)",
        "attribution_agreement.explained.logit": "Logit",
        "attribution_agreement.explained.probability": "Wahrscheinlichkeit",
        "attribution_agreement.reference.mean": "Mittelwert einer Hintergrundstichprobe von {rows} Zeilen",
        "attribution_agreement.reference.zero": "Eingabe aus lauter Nullen",
        "attribution_agreement.reference.text": "[PAD] anstelle der Token jedes Worts ([CLS]/[SEP] beibehalten, "
        "Attention-Maske unverändert)",
        "attribution_agreement.pass.forward": "vorwärts",
        "attribution_agreement.pass.backward": "vorwärts und rückwärts",
        "attribution_agreement.method_status.ran": "ausgeführt",
        "attribution_agreement.method_status.skipped": "übersprungen: {reason}",
        "attribution_agreement.table.sanity.title": "Randomisierung der Modellparameter: mittleres Spearman-ρ von "
        "|φ| zwischen dem trainierten und einem randomisierten Modell ({instances} Instanzen; Grenze ≤ {limit})",
        "attribution_agreement.sanity_verdict.pass": "ändert sich mit dem Modell",
        "attribution_agreement.sanity_verdict.fail": "modellunempfindlich (ausgeschlossen)",
        "attribution_agreement.sanity_verdict.inconclusive": "unentschieden",
        "attribution_agreement.table.faithfulness.title": "Treue: Löschen und Einfügen gegenüber {repeats} "
        "zufälligen Reihenfolgen (Flächen in Einheiten des erklärten Scores, orientiert von der vollständigen "
        "Eingabe zur Referenz; Gewinn > 0 schlägt den Zufall, > 1, wenn das Entfernen über die Referenz "
        "hinausschießt)",
        "attribution_agreement.table.agreement.title.features": "Übereinstimmung je Methodenpaar (Mittel über die "
        "Instanzen, k = {k} Merkmale; Zufallsniveaus: FA k/d, RC 0, PRA 0.5)",
        "attribution_agreement.table.agreement.title.words": "Übereinstimmung je Methodenpaar (Mittel über die "
        "Instanzen, k = {k} Wörter; Zufallsniveaus: FA k/d, RC 0, PRA 0.5)",
        "attribution_agreement.families.within": "gleiche Familie",
        "attribution_agreement.families.across": "verschiedene Familien",
        "attribution_agreement.table.ceiling.title": "Obergrenze der Selbstübereinstimmung stochastischer Methoden "
        "(dieselbe Methode, verschiedene Seeds): die Übereinstimmung zwischen Methoden im Verhältnis dazu lesen",
        "attribution_agreement.table.protected.title": "Geschützte Merkmale: Attributionsanteil und Vorkommen unter "
        "den ersten {k}",
        "attribution_agreement.table.explanations.title": "Erklärungen einzelner Entscheidungen in Worten "
        "(KI-Verordnung Art. 86), nach {method} (der im Löschtest treuesten Methode)",
        "attribution_agreement.column.method": "Methode",
        "attribution_agreement.column.name": "Name",
        "attribution_agreement.column.family": "Familie",
        "attribution_agreement.column.evaluations": "Modellauswertungen je Instanz",
        "attribution_agreement.column.pass": "Durchlauf",
        "attribution_agreement.column.seconds": "Sekunden",
        "attribution_agreement.column.ms_per_instance": "ms je Instanz",
        "attribution_agreement.column.status": "Status",
        "attribution_agreement.column.stage": "oberste {stage} von {blocks} Schichten randomisiert",
        "attribution_agreement.column.all_stages": "alle {blocks} Schichten randomisiert (Mittel über {draws} "
        "Modelle)",
        "attribution_agreement.column.stage_trees": "Blattwerte der letzten {stage} von {blocks} Bäumen randomisiert",
        "attribution_agreement.column.all_stages_trees": "Blattwerte aller {blocks} Bäume randomisiert (Mittel über "
        "{draws} Modelle)",
        "attribution_agreement.column.ci_low": "KI unten",
        "attribution_agreement.column.ci_high": "KI oben",
        "attribution_agreement.column.verdict": "Urteil",
        "attribution_agreement.column.deletion_auc": "AUC Löschen",
        "attribution_agreement.column.random_auc": "AUC zufällig",
        "attribution_agreement.column.insertion_auc": "AUC Einfügen",
        "attribution_agreement.column.random_auc_insertion": "AUC zufällig (Einf.)",
        "attribution_agreement.column.ci_low_insertion": "KI unten (Einf.)",
        "attribution_agreement.column.ci_high_insertion": "KI oben (Einf.)",
        "attribution_agreement.column.pair": "Paar",
        "attribution_agreement.column.families": "Familien",
        "attribution_agreement.column.rc_ci_low": "RC KI unten",
        "attribution_agreement.column.rc_ci_high": "RC KI oben",
        "attribution_agreement.column.seeds": "Seeds",
        "attribution_agreement.column.instances": "Instanzen",
        "attribution_agreement.column.attribute": "Merkmal",
        "attribution_agreement.column.mean_share": "mittlerer Anteil",
        "attribution_agreement.column.in_top_k": "unter den ersten {k}",
        "attribution_agreement.column.in_top_3": "unter den ersten 3",
        "attribution_agreement.column.mean_signed_phi": "mittleres φ mit Vorzeichen",
        "attribution_agreement.column.flag": "Markierung (A3)",
        "attribution_agreement.column.instance": "Instanz",
        "attribution_agreement.column.decision": "Entscheidung",
        "attribution_agreement.column.score": "Score",
        "attribution_agreement.column.explanation": "Erklärung",
        # -- per-decision explanations (Art. 86)
        "attribution_agreement.decision.favourable": "günstig",
        "attribution_agreement.decision.unfavourable": "ungünstig",
        "attribution_agreement.explanation.row": "Zeile {row}",
        "attribution_agreement.explanation.decision": "Entscheidung zu {instance} ({decision}; Wahrscheinlichkeit "
        "des günstigen Ergebnisses {score}): Die wichtigsten Faktoren dieser Entscheidung waren laut {method} "
        "{factors}.",
        "attribution_agreement.explanation.factor.raised": "{feature} (erhöhte den Score, {value})",
        "attribution_agreement.explanation.factor.lowered": "{feature} (senkte den Score, {value})",
        "attribution_agreement.explanation.no_factors": "nicht bestimmbar (alle Attributionen sind null)",
        "attribution_agreement.explanation.support": "Unter ihren eigenen ersten {count}: {methods}.",
        "attribution_agreement.explanation.support.method": "{method} hat {n} dieser {of}",
        "attribution_agreement.explanation.with_support": "{decision} {support}",
        # -- charts
        "attribution_agreement.chart.cascade.title": "Schrittweise Randomisierung: Ähnlichkeit zum trainierten "
        "Modell",
        "attribution_agreement.chart.cascade.x_label": "randomisierte Schichten (von der Ausgabe abwärts)",
        "attribution_agreement.chart.cascade.x_label_trees": "Bäume mit zufälligen Blattwerten (vom zuletzt "
        "trainierten rückwärts)",
        "attribution_agreement.chart.cascade.y_label": "mittleres Spearman-ρ von |φ|",
        "attribution_agreement.chart.cascade.tick": "{stage} von {blocks}",
        "attribution_agreement.chart.cascade.tick_mean": "{stage} von {blocks} (Mittel über {draws} Modelle)",
        "attribution_agreement.chart.cascade.limit": "Plausibilitätsgrenze",
        "attribution_agreement.chart.random_order": "zufällige Reihenfolge",
        "attribution_agreement.chart.deletion.title": "Löschkurven (Mittel über die Instanzen)",
        "attribution_agreement.chart.insertion.title": "Einfügekurven (Mittel über die Instanzen)",
        "attribution_agreement.chart.deletion.x_label.features": "Anteil entfernter Merkmale",
        "attribution_agreement.chart.deletion.x_label.words": "Anteil entfernter Wörter",
        "attribution_agreement.chart.insertion.x_label.features": "Anteil wiederhergestellter Merkmale",
        "attribution_agreement.chart.insertion.x_label.words": "Anteil wiederhergestellter Wörter",
        "attribution_agreement.chart.curve.y_label": "Score (vollständige Eingabe 1, Referenz 0)",
        "attribution_agreement.chart.heatmap.rank_correlation": "Rangkorrelation zwischen den Methoden",
        "attribution_agreement.chart.heatmap.feature_agreement_star": "Top-k-Merkmalsübereinstimmung "
        "(zufallskorrigiert) zwischen den Methoden",
        "attribution_agreement.chart.heatmap.cell": "{value} [{low}, {high}]",
        "attribution_agreement.chart.heatmap.ceiling": "Obergrenze {value}",
        "attribution_agreement.meaning.agreement_meets_minimum": (
            "Die Erklärungen einzelner Entscheidungen stimmen über {methods} unabhängige Methoden hinweg überein: "
            "Selbst das am wenigsten übereinstimmende Paar ({pair}) erreicht {value} auf einer Skala von −1 bis 1 "
            "(Konfidenz {level}: {low} bis {high}), oberhalb des Mindestwerts der Prüfrichtlinie. Sie können "
            "Mitarbeitenden und den betroffenen Personen als Darstellung dessen gezeigt werden, was eine "
            "Entscheidung bestimmt hat; sie beschreiben das Modell, nicht, ob seine Gründe gerechtfertigt sind."
        ),
        "attribution_agreement.meaning.agreement_not_shown": (
            "Verschiedene Erklärungsmethoden stimmen nicht gut genug darin überein, was einzelne Entscheidungen "
            "bestimmt hat: Das am wenigsten übereinstimmende Paar ({pair}) erreicht {value} auf einer Skala von "
            "−1 bis 1 (Konfidenz {level}: {low} bis {high}), und für {count} von {pairs} Paaren ist nicht "
            "gezeigt, dass sie den Mindestwert der Prüfrichtlinie erreichen. Was eine Person über ihre Entscheidung "
            "erfährt, könnte davon abhängen, welche Methode die Erklärung erzeugt hat; Erklärungen sind daher mit "
            "Vorsicht weiterzugeben."
        ),
        "attribution_agreement.meaning.sanity_undecided": (
            "Die Erklärungsmethoden stimmen überein (das am wenigsten übereinstimmende Paar, {pair}, erreicht "
            "{value} auf einer Skala von −1 bis 1; Konfidenz {level}: {low} bis {high}), doch ob {undecided} "
            "wiedergeben, was das Modell gelernt hat, lässt sich aus den Daten nicht sagen; auf ihre Erklärungen "
            "einzelner Entscheidungen ist daher noch kein Verlass."
        ),
        "attribution_agreement.meaning.sanity_check_failed": (
            "Die Erklärungen von {methods} geben nicht wieder, was das Modell gelernt hat: Sie bleiben für ein "
            "Modell mit durcheinandergewürfelten gelernten Gewichten nahezu gleich (Ähnlichkeit {value}; die "
            "Prüfrichtlinie erlaubt höchstens {limit}). Erklärungen dieser Methoden dürfen den betroffenen Personen "
            "nicht "
            "gegeben und nicht zur Begründung von Entscheidungen verwendet werden."
        ),
        "attribution_agreement.meaning.too_few_sane_methods": (
            "Weniger als zwei Erklärungsmethoden geben wieder, was das Modell gelernt hat (die Erklärungen von "
            "{methods} bleiben für "
            "ein Modell mit durcheinandergewürfelten gelernten Gewichten nahezu gleich: Ähnlichkeit bis {value}, "
            "die Prüfrichtlinie erlaubt höchstens {limit}); ob Erklärungen übereinstimmen, lässt sich daher nicht "
            "prüfen, "
            "und auf Erklärungen einzelner Entscheidungen ist noch kein Verlass."
        ),
        "attribution_agreement.meaning.protected": (
            "Die Erklärungen von {method} schreiben {attribute} im Mittel {share} des Gewichts hinter einer "
            "Entscheidung zu (Konfidenz {level}: {low} bis {high}): Die Entscheidungen des Modells stützen sich "
            "unmittelbar auf {attribute}."
        ),
    },
}
