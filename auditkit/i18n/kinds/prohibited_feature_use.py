"""Messages of ``prohibited_feature_use`` (probes, LEACE erasure, the inputs' counterfactual, proxy screening).

``rule.<rule id>`` is the acceptance criterion the report prints for the rule that decided the verdict;
``rule_name.<rule id>`` its short name in the erasure table and findings; ``measure.<name>`` the name of each
measurement. Data values (attribute, layer, feature and lexicon names) come in verbatim as parameters.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "prohibited_feature_use.summary.single_value": (
            "{attribute} takes a single value in the audit data, so nothing can be probed or erased."
        ),
        "prohibited_feature_use.summary.no_layers_text": (
            "The model has no hidden layers and its inputs are texts, which have no input features to erase,"
            " so whether it uses {attribute} cannot be measured here."
        ),
        "prohibited_feature_use.summary.too_few": (
            "Too few examples per value of {attribute} to probe with {folds}-fold cross-validation (need "
            "≥ {need}): {values}."
        ),
        "prohibited_feature_use.summary.value_count": "{value} (n={n})",
        "prohibited_feature_use.summary.sentence": "{text}.",
        "prohibited_feature_use.summary.then": "{first}; {second}",
        "prohibited_feature_use.summary.encoded": (
            "{attribute} is linearly decodable from {encoded} of {layers} layers (best: {best}, balanced "
            "accuracy {accuracy} [{low}, {high}], selectivity {selectivity})"
        ),
        "prohibited_feature_use.summary.not_encoded": (
            "{attribute} is not shown to be linearly decodable from any probed layer (best: {best}, "
            "balanced accuracy {accuracy} [{low}, {high}])"
        ),
        "prohibited_feature_use.summary.flips": "erasing it at {layer} flips {rate} [{low}, {high}] of decisions",
        "prohibited_feature_use.summary.control": (
            "removing random directions that carry as much of the layer's variance unrelated to "
            "{attribute} as the erasure removed ({collateral}) flips up to {p95} (95th percentile of "
            "{draws} draws)"
        ),
        "prohibited_feature_use.summary.residual": (
            "a probe after erasure reads it with balanced accuracy {accuracy} [{low}, {high}]"
        ),
        "prohibited_feature_use.summary.layer.not_encoded_at_layer": (
            "at {layer}, where decisions are read from, it is shown not to be linearly encoded (balanced "
            "accuracy at most {high}, chance {chance} + margin {margin}), so the model cannot use it "
            "linearly there"
        ),
        "prohibited_feature_use.summary.layer.encoding_undecided": (
            "at {layer} its encoding is undecided (balanced accuracy {accuracy} [{low}, {high}]), so "
            "erasure there cannot decide use; more probe rows (max_probe_examples) or another layer would"
        ),
        "prohibited_feature_use.summary.layer.erasure_effect_beyond_tolerance_and_control": (
            "{flips}, above the tolerance of {tolerance} and beyond the control ({control}): it is used"
        ),
        "prohibited_feature_use.summary.layer.complete_erasure_effect_within_tolerance": (
            "{flips}, within the tolerance of {tolerance}, the erasure is complete ({residual}), and "
            "moving each row to the other value along the erased directions flips {shift} [{shift_low}, "
            "{shift_high}]: it is not used"
        ),
        "prohibited_feature_use.summary.layer.encoded_too_weakly_to_erase": (
            "{flips}; use is undecided: {attribute} is encoded there only weakly (balanced accuracy "
            "{accuracy} [{low}, {high}], within chance + {margin} at its lower end), so the eraser's "
            "direction is chosen mostly by noise and can remove what the model reads for other reasons "
            "(the validity grid: a model that cannot use sex, erased at a chance encoding of 0.54, "
            "flipped 3.3%); more rows would decide"
        ),
        "prohibited_feature_use.summary.layer.effect_not_beyond_control": (
            "{flips}; use is undecided: {control}, so the effect is not specific to {attribute} (erasing "
            "at an earlier or wider layer, or more random_draws, would separate them)"
        ),
        "prohibited_feature_use.summary.layer.shift_effect_not_within_tolerance": (
            "{flips}, within the tolerance, and the erasure is complete, but moving each row to the other"
            " value's mean along the erased directions (a counterfactual in the representation: erasure "
            "only moves rows half way, to the pooled mean) flips {shift} [{shift_low}, {shift_high}]: use"
            " is not shown to be absent"
        ),
        "prohibited_feature_use.summary.layer.erasure_incomplete": (
            "{flips}, within the tolerance, but the erasure is incomplete ({residual}, chance {chance} + "
            "margin {margin}): information left behind may still be used, so use is undecided (more rows "
            "for the erasure fit, max_fit_examples, would decide)"
        ),
        "prohibited_feature_use.summary.layer.effect_interval_straddles_tolerance": (
            "{flips}; use is undecided: the interval straddles the tolerance ({hint})"
        ),
        "prohibited_feature_use.hint.on_tolerance": (
            "with {n} evaluation rows a flip rate of at least {detectable} would have been shown above "
            "the tolerance; the observed rate sits on the tolerance, so no sample size decides it"
        ),
        "prohibited_feature_use.hint.rows": (
            "with {n} evaluation rows a flip rate of at least {detectable} would have been shown above "
            "the tolerance; at the observed rate about {need} evaluation rows would decide it (raise the "
            "audit data size)"
        ),
        "prohibited_feature_use.summary.inputs.where_tabular": (
            "moving each row's {attribute} inputs and accepted proxies ({moved}) to the other value (the "
            "counterfactual of the inputs) flips {rate} [{low}, {high}] of decisions"
        ),
        "prohibited_feature_use.summary.inputs.where_text": (
            "substituting the terms of {moved} in each text flips {rate} [{low}, {high}] of decisions"
        ),
        "prohibited_feature_use.summary.inputs.used_beyond_placebo": (
            "Where {attribute} enters the model, {where}, above the tolerance of {tolerance} and beyond a"
            " placebo that moves the same inputs with permuted {attribute} labels (95th percentile "
            "{p95}): {attribute} is used."
        ),
        "prohibited_feature_use.summary.inputs.used": (
            "Where {attribute} enters the model, {where}, above the tolerance of {tolerance}: {attribute}"
            " is used."
        ),
        "prohibited_feature_use.summary.inputs.withheld": (
            "but {where}, not shown within the tolerance: use is not shown to be absent"
        ),
        "prohibited_feature_use.finding.too_few": (
            "Too few examples of some values of {attribute} to probe with {folds}-fold cross-validation "
            "(need ≥ {need} each): {values}; audit more rows of these values."
        ),
        "prohibited_feature_use.finding.erasure_used": (
            "Erasing {attribute} at {layer} flips {rate} [{low}, {high}] of decisions, above the "
            "tolerance of {tolerance} and beyond the random control: the model uses {attribute}."
        ),
        "prohibited_feature_use.finding.inputs_used": (
            "Changing {attribute} in the inputs ({moved}) flips {rate} [{low}, {high}] of decisions, "
            "above the tolerance of {tolerance}: the model uses {attribute}."
        ),
        "prohibited_feature_use.finding.inputs_not_within": (
            "Changing {attribute} in the inputs ({moved}) flips {rate} [{low}, {high}] of decisions, not "
            "shown within the tolerance of {tolerance}: that {attribute} is not used is not shown."
        ),
        "prohibited_feature_use.finding.undecided": "Use of {attribute} at {layer} is undecided: {reason}.",
        "prohibited_feature_use.summary.sae.ablated": (
            "a sparse autoencoder of {features} features at {layer} explains {fve} [{low}, {high}] of its "
            "variance; {significant} of its features predict {attribute} (strongest AUC {auc}), and ablating "
            "the top {n_top} flips {rate} [{rate_low}, {rate_high}] of decisions (random features of matched "
            "frequency: up to {p95})"
        ),
        "prohibited_feature_use.summary.sae.no_control": (
            "a sparse autoencoder of {features} features at {layer} explains {fve} [{low}, {high}] of its "
            "variance, but {significant} of its features predict {attribute} and too few others fire to draw a "
            "random control of as many features, so their ablation cannot be judged (a larger dictionary would)"
        ),
        "prohibited_feature_use.summary.sae.too_little": (
            "a sparse autoencoder of {features} features at {layer} explains only {fve} [{low}, {high}] of "
            "its variance, less than the {minimum} required, so its features cannot speak for the layer"
        ),
        "prohibited_feature_use.summary.sae.no_feature": (
            "a sparse autoencoder of {features} features at {layer} explains {fve} [{low}, {high}] of its "
            "variance, and none of its {tested} features tested predicts {attribute}"
        ),
        "prohibited_feature_use.rule.sae_ablation_beyond_tolerance_and_control": (
            "the sparse autoencoder at {layer} explains enough of the layer, and ablating its features that "
            "predict {attribute} flips decisions with a lower confidence bound above the tolerance "
            "{tolerance} and at a rate beyond the 95th percentile of {draws} ablations of random features of "
            "matched frequency: {attribute} is used through them"
        ),
        "prohibited_feature_use.rule.sae_ablation_within_tolerance": (
            "the sparse autoencoder at {layer} explains enough of the layer, and ablating its features that "
            "predict {attribute} flips decisions with an upper confidence bound within the tolerance "
            "{tolerance}: the model does not use them"
        ),
        "prohibited_feature_use.rule.sae_no_feature_predicts_attribute": (
            "the sparse autoencoder at {layer} explains enough of the layer, and none of its features "
            "predicts {attribute} after the multiple-testing correction: there is no feature of {attribute} "
            "there to use"
        ),
        "prohibited_feature_use.rule.sae_explains_too_little": (
            "the sparse autoencoder at {layer} explains less of the layer's variance than the policy's "
            "minimum (the lower end of its interval), so ablating its features cannot show whether "
            "{attribute} is used"
        ),
        "prohibited_feature_use.rule.sae_effect_undecided": (
            "ablating the sparse-autoencoder features at {layer} that predict {attribute} flips decisions at "
            "a rate whose interval straddles the tolerance {tolerance}, or that is not beyond the random "
            "control: undecided"
        ),
        "prohibited_feature_use.rule_name.sae_ablation_beyond_tolerance_and_control": (
            "used: SAE-feature ablation above the tolerance and control"
        ),
        "prohibited_feature_use.rule_name.sae_ablation_within_tolerance": (
            "not used: SAE-feature ablation within the tolerance"
        ),
        "prohibited_feature_use.rule_name.sae_no_feature_predicts_attribute": "no SAE feature predicts it",
        "prohibited_feature_use.rule_name.sae_explains_too_little": "the SAE explains too little of the layer",
        "prohibited_feature_use.rule_name.sae_effect_undecided": "SAE-feature ablation undecided",
        "prohibited_feature_use.meaning.sae_ablation_beyond_tolerance_and_control": (
            "The model relies on internal features that track {attribute}: switching them off changes more "
            "of its decisions than the {tolerance} the policy tolerates, and more than switching off "
            "unrelated features of the same kind."
        ),
        "prohibited_feature_use.meaning.sae_explains_too_little": (
            "The features found inside the model describe too little of what it computes to tell whether it "
            "relies on {attribute}."
        ),
        "prohibited_feature_use.meaning.sae_effect_undecided": (
            "Switching off the model's internal features that track {attribute} changes some decisions, but "
            "too few rows were examined to tell whether the change exceeds the {tolerance} the policy "
            "tolerates or goes beyond switching off unrelated features."
        ),
        "prohibited_feature_use.finding.sae_used": (
            "{attribute} is used through sparse-autoencoder features at {layer}: ablating them flips more "
            "decisions than the tolerance {tolerance} and than random features of matched frequency."
        ),
        "prohibited_feature_use.note.sae": (
            "Sparse-autoencoder features at {layer} ({source}; {features} features, {tested} active often "
            "enough to be ranked on held-out rows by AUC, Holm-corrected). A feature is a hypothesis about "
            "what the model represents; here it is tested by intervention: the layer's activation is "
            "replaced by the SAE's reconstruction with the top features zeroed plus the SAE's error term, so "
            "nothing else changes, and the flips are compared with {draws} ablations of as many random "
            "features of matched activation frequency. An SAE whose explained variance (lower end of its "
            "interval) is below {minimum} makes the section inconclusive."
        ),
        "prohibited_feature_use.sae.source_loaded": "loaded from {path}",
        "prohibited_feature_use.sae.source_trained": (
            "a TopK SAE with k = {k} trained on {rows} audit rows' activations"
        ),
        "prohibited_feature_use.table.sae.title": (
            "Sparse-autoencoder features that predict the attribute at {layer} (ablated together)"
        ),
        "prohibited_feature_use.col.sae_feature": "feature",
        "prohibited_feature_use.col.sae_value": "marks",
        "prohibited_feature_use.col.sae_auc": "AUC",
        "prohibited_feature_use.col.sae_p_adjusted": "p (Holm)",
        "prohibited_feature_use.col.sae_frequency": "active on",
        "prohibited_feature_use.col.sae_examples": "where it fires most (audit texts)",
        "prohibited_feature_use.measure.sae_variance_explained": "Variance explained by the sparse autoencoder",
        "prohibited_feature_use.measure.sae_dead_feature_share": "Sparse-autoencoder features that never fire",
        "prohibited_feature_use.measure.sae_top_feature_auc": "AUC of the strongest SAE feature for the attribute",
        "prohibited_feature_use.measure.sae_ablation_flip_rate": "Flip rate when the SAE features are ablated",
        "prohibited_feature_use.measure.sae_random_control_flip_rate_p95": (
            "Random-feature ablation flip rate (95th percentile)"
        ),
        "prohibited_feature_use.rule.not_encoded_at_layer": (
            "{attribute} not linearly encoded at {layer}, where decisions are read from: the probe's "
            "balanced-accuracy interval stays within chance + {margin}. Use through that layer is "
            "impossible, so the erasure flip rate there is diagnostic only (erasing directions that carry"
            " no information on {attribute} measures the eraser's side effects, not use){inputs}"
        ),
        "prohibited_feature_use.rule.erasure_effect_beyond_tolerance_and_control": (
            "{attribute} encoded at {layer} (probe interval above chance + {margin}), and erasing its "
            "linear information there flips decisions with a lower confidence bound above the tolerance "
            "{tolerance} and at a rate beyond the 95th percentile of {draws} variance-matched "
            "random-direction erasures: {attribute} is used"
        ),
        "prohibited_feature_use.rule.complete_erasure_effect_within_tolerance": (
            "Erasure of {attribute} at {layer} complete (the probe after erasure reaches chance, its "
            "estimate within chance + {margin}), its flip rate's upper confidence bound ≤ {tolerance}, "
            "and that of moving each row to the other value along the erased directions ≤ {tolerance} "
            "too{inputs}"
        ),
        "prohibited_feature_use.rule.all_erased_layers_pass": (
            "Every erased layer ({layers}) passes on its own rule (see the erasure table): either "
            "{attribute} is not linearly encoded there (probe interval within chance + {margin}; the "
            "erasure flip rate at such a layer is diagnostic only, as nothing of {attribute} is there to "
            "use), or its erasure is complete and both the erasure and the swap along the erased "
            "directions flip decisions with upper confidence bounds ≤ {tolerance}{inputs}"
        ),
        "prohibited_feature_use.rule.encoding_undecided": (
            "Encoding of {attribute} at {layer} undecided: the probe's interval lies neither above chance"
            " with a significant permutation test nor within chance + {margin}, so the erasure there "
            "cannot decide use"
        ),
        "prohibited_feature_use.rule.effect_not_beyond_control": (
            "{attribute} encoded at {layer} and its erasure flips decisions above the tolerance "
            "{tolerance}, but not beyond the 95th percentile of {draws} variance-matched random-direction"
            " erasures: the effect is not specific to {attribute}, so the erasure flip rate is not "
            "decisive; use undecided"
        ),
        "prohibited_feature_use.rule.encoded_too_weakly_to_erase": (
            "{attribute} encoded only weakly at {layer} (the lower end of the probe interval within "
            "chance + {margin}): the eraser's direction is chosen mostly by noise, so the erasure flip "
            "rate there, though above the tolerance {tolerance}, is not decisive; use undecided"
        ),
        "prohibited_feature_use.rule.erasure_incomplete": (
            "Erasure flip rate at {layer} within the tolerance (upper confidence bound ≤ {tolerance}), "
            "but the erasure of {attribute} is incomplete (the probe after erasure does not fall to "
            "chance + {margin}): information left behind may still be used; use undecided"
        ),
        "prohibited_feature_use.rule.shift_effect_not_within_tolerance": (
            "Erasure of {attribute} at {layer} complete and its flip rate within the tolerance "
            "{tolerance}, but moving each row to the other value along the erased directions is not shown"
            " within it. That swap is a counterfactual in the representation: it can withhold a PASS but "
            "cannot show use, so a swap flip rate above the tolerance is not read as a failure; that "
            "{attribute} is not used is not shown"
        ),
        "prohibited_feature_use.rule.effect_interval_straddles_tolerance": (
            "Erasure flip rate of {attribute} at {layer}: its confidence interval straddles the tolerance"
            " {tolerance}; use undecided"
        ),
        "prohibited_feature_use.rule.input_counterfactual_beyond_tolerance_and_placebo": (
            "Moving the inputs and accepted proxies of {attribute} ({moved}) to the other value flips "
            "decisions with a lower confidence bound above the tolerance {tolerance} and at a rate beyond"
            " the 95th percentile of a placebo with permuted {attribute} labels: {attribute} is used"
        ),
        "prohibited_feature_use.rule.input_substitution_beyond_tolerance": (
            "Substituting the terms of {moved} in each text flips decisions with a lower confidence bound"
            " above the tolerance {tolerance} (a substitution estimates nothing, so it needs no placebo):"
            " {attribute} is used"
        ),
        "prohibited_feature_use.rule.input_counterfactual_not_within_tolerance": (
            "Every erased layer passes, but moving the inputs of {attribute} ({moved}) to the other value is "
            "not shown within the tolerance {tolerance}. That withholds the PASS; a flip rate above the "
            "tolerance that is not beyond its placebo does not show use, so it is not read as a failure; "
            "that {attribute} is not used is not shown"
        ),
        "prohibited_feature_use.rule.too_few_examples_per_value": (
            "At least {need} examples of each value of {attribute}, to probe with {folds}-fold "
            "cross-validation"
        ),
        "prohibited_feature_use.rule.clause.no_inputs": (
            "; the counterfactual of the inputs does not apply (nothing of {attribute} to move in them)"
        ),
        "prohibited_feature_use.rule.clause.inputs_within": (
            "; and moving the inputs of {attribute} to the other value (their counterfactual) flips decisions "
            "with an upper confidence bound ≤ {tolerance}"
        ),
        "prohibited_feature_use.rule_name.not_encoded_at_layer": "not linearly encoded",
        "prohibited_feature_use.rule_name.erasure_effect_beyond_tolerance_and_control": (
            "used: flip rate above the tolerance and beyond the random control"
        ),
        "prohibited_feature_use.rule_name.complete_erasure_effect_within_tolerance": (
            "not used: complete erasure, flip rate within the tolerance"
        ),
        "prohibited_feature_use.rule_name.all_erased_layers_pass": "every erased layer passes",
        "prohibited_feature_use.rule_name.encoding_undecided": "encoding undecided",
        "prohibited_feature_use.rule_name.effect_not_beyond_control": "effect not beyond the random control",
        "prohibited_feature_use.rule_name.encoded_too_weakly_to_erase": "encoded too weakly to erase",
        "prohibited_feature_use.rule_name.erasure_incomplete": "erasure incomplete",
        "prohibited_feature_use.rule_name.shift_effect_not_within_tolerance": (
            "swap along the erased directions not within the tolerance"
        ),
        "prohibited_feature_use.rule_name.effect_interval_straddles_tolerance": (
            "flip-rate interval straddles the tolerance"
        ),
        "prohibited_feature_use.rule_name.input_counterfactual_beyond_tolerance_and_placebo": (
            "used: counterfactual of the inputs above the tolerance and beyond its placebo"
        ),
        "prohibited_feature_use.rule_name.input_substitution_beyond_tolerance": (
            "used: substituting the attribute's terms flips decisions above the tolerance"
        ),
        "prohibited_feature_use.rule_name.input_counterfactual_not_within_tolerance": (
            "counterfactual of the inputs not within the tolerance"
        ),
        "prohibited_feature_use.rule_name.too_few_examples_per_value": "too few examples per value",
        "prohibited_feature_use.note.method": (
            "A probe shows that information is encoded; only the erasure (an intervention) shows whether "
            "decisions depend on it. The verdict rests on the erasure: FAIL when erasing the attribute's "
            "linear information flips decisions with an interval above the tolerance ({tolerance}) and "
            "beyond the 95th percentile of a variance-matched random control (a complete erasure is not "
            "needed to show use); PASS when the layer is shown not to encode the attribute, or when the "
            "erasure is complete (the after-erasure probe's interval reaches chance and its estimate is "
            "within chance + {margin}), its flip-rate interval lies below the tolerance, and so does that"
            " of moving each row to the other value's mean along the erased directions (a counterfactual "
            "in the representation: erasure moves rows only to the pooled mean, about half way); "
            "otherwise INCONCLUSIVE with the reason. On tabular models the attribute's counterfactual on "
            "the inputs is a second intervention: it FAILs the model by itself (interval above the "
            "tolerance, beyond its placebo) and withholds a PASS unless its interval lies below the "
            "tolerance."
        ),
        "prohibited_feature_use.note.probes": (
            "Probes: L2 logistic regression, {cv}, C chosen from {grid} by cross-validated balanced "
            "accuracy; the control task {control}; {permutations} label permutations (with the same C "
            "selection) give the p-value (at least layers / α, so that the smallest attainable p-value "
            "can survive the correction over layers)."
        ),
        "prohibited_feature_use.note.probes.cv": "{folds}-fold stratified cross-validation",
        "prohibited_feature_use.note.probes.cv_grouped": "{folds}-fold group-stratified cross-validation",
        "prohibited_feature_use.note.probes.control_grouped": "gives each {column} one random label",
        "prohibited_feature_use.note.probes.control_permuted": "permutes the labels",
        "prohibited_feature_use.note.erasure": (
            "Erasure: LEACE fitted on {fit} of the rows whose activations were captured (at most "
            "{max_fit}), applied by a forward hook to every other row. The probe after erasure runs on "
            "the held-out captured rows, scaled with their statistics before erasure. Dead and "
            "nearly-dead units are neither erased nor probed: an edit fitted on a unit that fires on a "
            "handful of rows leaves a copy of the erased direction in it on every other row. Control: "
            "{draws} draws removing as many random orthonormal directions, tilted towards the layer's "
            "high- or low-variance directions so that they remove as much variance within each value of "
            "the attribute (the erasure's collateral damage, everything but the attribute itself) as the "
            "erasure did."
        ),
        "prohibited_feature_use.note.input_space": (
            "The {adapter} has no hidden layers, so the intervention is input-space: the probe reads the "
            "model's input features (is {attribute} decodable from them?), and the erasure removes "
            "{attribute}'s linear information from the input features themselves before the model scores "
            "them. The verdict rule, the intervals and the random-direction control are those of an erasure "
            "at a hidden layer."
        ),
        "prohibited_feature_use.note.leaf_space": (
            "The {adapter} is a tree ensemble: its hidden layer is {leaves}, and its margin is the sum of "
            "the values of those leaves, a linear readout like the last layer of a network. The probes read "
            "the input features and the leaves (is {attribute} decodable from them?); the erasure removes "
            "{attribute}'s linear information from the leaves and re-reads the margin. Erasing at the inputs "
            "instead would move every input slightly along directions that only happen to correlate with "
            "{attribute}, and trees, which split at exact values, change decisions on such moves even when "
            "they never use {attribute}. The verdict rule, the intervals and the random-direction control "
            "are those of an erasure at a hidden layer."
        ),
        "prohibited_feature_use.note.erasure_leaves": (
            "Erasure: LEACE fitted on the one-hot leaves ({leaves} leaves of {trees} trees) of {fit} of the "
            "audit rows (at most {max_fit}), applied to the leaves of every other row, whose margin is then "
            "re-read from the edited leaves. The probe after erasure runs on the held-out rows, scaled with "
            "their statistics before erasure. Leaves almost no row reaches are neither erased nor probed. "
            "Control: {draws} draws removing as many random orthonormal directions of the leaf space, tilted "
            "so that they remove as much variance within each value of the attribute (the erasure's "
            "collateral damage) as the erasure did."
        ),
        "prohibited_feature_use.note.effect_sample": (
            "Decision flips (erasure, random-direction control, input counterfactual) were counted on {rows} of "
            "the {total} rows the eraser was not fitted on (max_effect_examples = {limit}): a seeded sample drawn "
            "within each value of the attribute in proportion to its size. Their intervals are the sample's; raise "
            "max_effect_examples to narrow them at proportionally more model evaluations."
        ),
        "prohibited_feature_use.note.erasure_inputs": (
            "Erasure: LEACE fitted on the input features of {fit} of the audit rows (at most {max_fit}), "
            "applied to the input features of every other row before the model scores them. The probe after "
            "erasure runs on the held-out rows, scaled with their statistics before erasure. Near-constant "
            "features are neither erased nor probed. Control: {draws} draws removing as many random "
            "orthonormal directions of the input space, tilted so that they remove as much variance within "
            "each value of the attribute (the erasure's collateral damage) as the erasure did."
        ),
        "prohibited_feature_use.note.values": "Values of the attribute: {values}.",
        "prohibited_feature_use.note.delta_accuracy": (
            "Erasing at {layer} changed task accuracy by {delta}: where the label correlates with the "
            "attribute, erasure also removes label information."
        ),
        "prohibited_feature_use.note.dead_units": (
            "{count} unit(s) of {layer} are dead or nearly dead (variance below {share} of the layer's "
            "mean unit variance on the fit rows): they were neither erased nor probed after erasure."
        ),
        "prohibited_feature_use.note.straddles": "At {layer}: {hint}.",
        "prohibited_feature_use.note.nothing_significant": (
            "At {layer} none of the {components} entries of the attribute's cross-covariance (whitened by the "
            "within-class covariance) differs from zero beyond estimation noise (Benjamini–Hochberg, "
            "false-discovery rate {fdr}), so nothing was erased there and the erasure changes no decision: "
            "LEACE fitted on such noise would move rows along directions that carry nothing of the attribute."
        ),
        "prohibited_feature_use.note.significant_components": (
            "At {layer} the eraser was fitted on the {kept} of {components} entries of the attribute's "
            "cross-covariance (whitened by the within-class covariance) that differ from zero beyond "
            "estimation noise (Benjamini–Hochberg, false-discovery rate {fdr}); the others were set to "
            "zero. "
            "Fitted on the noise too, LEACE moves every row along directions that carry nothing of the "
            "attribute by an amount signed by the attribute (about 1/√n of the spread in each direction), "
            "and a model that never reads the attribute can react to that."
        ),
        "prohibited_feature_use.note.inputs.text": (
            "Inputs: the terms of {moved} substituted by their counterparts of each other value of "
            "{attribute} in the {n} evaluation texts whose value is clear (the rows the eraser was not "
            "fitted on); Wilson interval. The substitution changes only the attribute's own words and "
            "estimates nothing, so it has no placebo."
        ),
        "prohibited_feature_use.note.inputs.tabular": (
            "Inputs: {moved} moved to each other value of {attribute} (own columns set to the value's "
            "code; proxies accepted by the screening moved by the propagated counterfactual's mapping, a "
            "categorical block as one), the mapping fitted on the erasure's fit rows and applied to the "
            "{n} evaluation rows. Interval: the Wilson interval widened to the percentile interval of "
            "{resamples} resamples that refit the mapping. Placebo: {draws} draws moving the same inputs "
            "with permuted {attribute} labels (median {median}, 95th percentile {p95})."
        ),
        "prohibited_feature_use.note.proxies.joint": (
            "The other inputs jointly predict {attribute} with cross-validated AUC {auc} [{low}, {high}] "
            "({level} redundant encoding)."
        ),
        "prohibited_feature_use.note.proxies.joint_flagged": (
            "The other inputs jointly predict {attribute} with cross-validated AUC {auc} [{low}, {high}] "
            "({level} redundant encoding); flagged proxies: {proxies}."
        ),
        "prohibited_feature_use.encoding_level.strong": "strong",
        "prohibited_feature_use.encoding_level.notable": "notable",
        "prohibited_feature_use.encoding_level.none": "no",
        "prohibited_feature_use.note.proxies.both": (
            "Strong proxies of {attribute} that the model also relies on (attribution share > {share} or "
            "in the top 3 for > {top3} of instances): {features}. The counterfactual sweep (propagated) "
            "measures whether they carry the attribute into decisions."
        ),
        "prohibited_feature_use.note.attribution": (
            "Attribution mass: Integrated Gradients on {n} seeded rows, relative to the mean of a "
            "background sample of {background} rows (interventional; the same attributions as "
            "attribution_agreement). Low attribution does not prove non-use: a model can hide it; the "
            "erasure decides."
        ),
        "prohibited_feature_use.note.not_an_input": (
            "{attribute} is not a model input: its direct attribution is zero by construction, so only "
            "proxies can carry it."
        ),
        "prohibited_feature_use.note.input_share": (
            "{attribute} is a model input ({feature}): it carries {share} [{low}, {high}] of the "
            "attribution mass, is in the top 3 for {top3} of instances (mean rank {rank}); mean signed "
            "attribution per value: {signed}."
        ),
        "prohibited_feature_use.note.input_share_flagged": (
            "{attribute} is a model input ({feature}): it carries {share} [{low}, {high}] of the "
            "attribution mass, is in the top 3 for {top3} of instances (mean rank {rank}); mean signed "
            "attribution per value: {signed}. This exceeds the A3 flag (share > 5% or top 3 for > 10%): "
            "the counterfactual sweep (flip-only) decides direct use."
        ),
        "prohibited_feature_use.note.signed_value": "{value}: {mass}",
        "prohibited_feature_use.reason.list": "{reasons}",
        "prohibited_feature_use.reason.chi2": "χ² Holm p {p} ≤ {alpha}",
        "prohibited_feature_use.reason.strength": "V {v} [{low}, {high}] ≥ {minimum}",
        "prohibited_feature_use.reason.strength_undefined": "V undefined (one level) ≥ {minimum}",
        "prohibited_feature_use.reason.nmi": "NMI {nmi} ≥ {flag}",
        "prohibited_feature_use.reason.cramers_v": "Cramér's V {v} ≥ {flag}",
        "prohibited_feature_use.table.probes.title": "Linear probes per layer (is the attribute encoded?)",
        "prohibited_feature_use.table.erasure.title": (
            "LEACE erasure on the eval split (is the attribute used?); tolerance {tolerance}"
        ),
        "prohibited_feature_use.table.effects.title": "What each erasure removed and changed besides decisions",
        "prohibited_feature_use.table.proxies.title": (
            "Proxy screening: how much each input reveals {attribute}, and how much the model relies on "
            "it"
        ),
        "prohibited_feature_use.col.layer": "layer",
        "prohibited_feature_use.col.n": "n",
        "prohibited_feature_use.col.balanced_accuracy": "balanced accuracy",
        "prohibited_feature_use.col.ci_low": "CI low",
        "prohibited_feature_use.col.ci_high": "CI high",
        "prohibited_feature_use.col.chance": "chance",
        "prohibited_feature_use.col.control_task": "control task",
        "prohibited_feature_use.col.selectivity": "selectivity",
        "prohibited_feature_use.col.p_permutation": "p (permutation)",
        "prohibited_feature_use.col.p_adjusted": "p (adjusted within check)",
        "prohibited_feature_use.col.mdl": "MDL compression",
        "prohibited_feature_use.col.mdl_control": "MDL control",
        "prohibited_feature_use.col.encoded": "encoded",
        "prohibited_feature_use.col.flip_rate": "flip rate",
        "prohibited_feature_use.col.control_p95": "control p95",
        "prohibited_feature_use.col.swap_flip_rate": "swap flip rate",
        "prohibited_feature_use.col.swap_ci_high": "swap CI high",
        "prohibited_feature_use.col.verdict": "verdict",
        "prohibited_feature_use.col.rule": "rule",
        "prohibited_feature_use.col.directions": "directions",
        "prohibited_feature_use.col.variance_removed": "variance removed",
        "prohibited_feature_use.col.collateral": "of it collateral",
        "prohibited_feature_use.col.probe_after": "probe after erasure",
        "prohibited_feature_use.col.probe_after_ci_high": "its CI high",
        "prohibited_feature_use.col.control_median": "control median",
        "prohibited_feature_use.col.mean_abs_score_change": "mean |Δscore|",
        "prohibited_feature_use.col.mean_kl": "mean KL",
        "prohibited_feature_use.col.delta_accuracy": "Δ accuracy",
        "prohibited_feature_use.col.gap_before": "parity gap before",
        "prohibited_feature_use.col.gap_after": "parity gap after",
        "prohibited_feature_use.col.feature": "feature",
        "prohibited_feature_use.col.nmi": "NMI",
        "prohibited_feature_use.col.cramers_v": "Cramér's V",
        "prohibited_feature_use.col.flagged_because": "flagged because",
        "prohibited_feature_use.col.attribution_share": "attribution share",
        "prohibited_feature_use.col.proxy_and_attributed": "proxy and attributed",
        "prohibited_feature_use.chart.layers.title": "How well {attribute} can be read from each layer",
        "prohibited_feature_use.chart.layers.x_label": "layer",
        "prohibited_feature_use.chart.layers.y_label": "balanced accuracy",
        "prohibited_feature_use.chart.layers.probe": "probe (task)",
        "prohibited_feature_use.chart.layers.control": "control task",
        "prohibited_feature_use.chart.layers.chance": "chance",
        "prohibited_feature_use.measure.probe_balanced_accuracy": "Probe balanced accuracy",
        "prohibited_feature_use.measure.probe_selectivity": "Probe selectivity (over the control task)",
        "prohibited_feature_use.measure.mdl_compression": "MDL compression (online code)",
        "prohibited_feature_use.measure.erasure_flip_rate": "Erasure flip rate",
        "prohibited_feature_use.measure.erasure_mean_abs_score_change": "Mean |Δscore| under erasure",
        "prohibited_feature_use.measure.erasure_mean_kl": "Mean KL divergence under erasure",
        "prohibited_feature_use.measure.probe_accuracy_after_erasure": "Probe balanced accuracy after erasure",
        "prohibited_feature_use.measure.random_control_flip_rate_p95": (
            "Random-direction control flip rate (95th percentile)"
        ),
        "prohibited_feature_use.measure.erasure_variance_share": "Variance removed by the erasure",
        "prohibited_feature_use.measure.erasure_delta_accuracy": "Change in accuracy under erasure",
        "prohibited_feature_use.measure.erasure_delta_parity_gap": "Change in parity gap under erasure",
        "prohibited_feature_use.measure.shift_flip_rate": "Swap flip rate (along the erased directions)",
        "prohibited_feature_use.measure.input_counterfactual_flip_rate": "Flip rate of the inputs' counterfactual",
        "prohibited_feature_use.measure.input_placebo_flip_rate_p95": (
            "Placebo flip rate of the inputs (95th percentile)"
        ),
        "prohibited_feature_use.measure.proxy_joint_auc": "Joint proxy AUC of the other inputs",
        "prohibited_feature_use.measure.protected_attribution_share": "Attribution share of the protected input",
        "prohibited_feature_use.measure.protected_in_top3_rate": "Rate of the protected input in the top 3",
        "prohibited_feature_use.meaning.fail": (
            "Removing what the model infers about {attribute} from its other inputs changes {rate} of its "
            "decisions ({level} confidence: {low} to {high}), more than the {tolerance} the policy tolerates and "
            "more than removing unrelated information of the same size does: decisions depend in part on a "
            "person's {attribute} as the model infers it."
        ),
        "prohibited_feature_use.remediation.erasure": (
            "Removing what the model infers about {attribute} at {layer} would change the gap in favourable "
            "decisions between the {attribute} groups from {gap_before} ({level} confidence: {before_low} to "
            "{before_high}) to {gap_after} ({after_low} to {after_high}), and the share of correct decisions by "
            "{accuracy} ({accuracy_low} to {accuracy_high}). Caveats: this is an intervention on the audited model, "
            "measured on the audit data with everything else unchanged, not a retrained model; it can also remove "
            "legitimate information that correlates with {attribute}; any remedy must pass a new audit."
        ),
        "prohibited_feature_use.meaning.fail_inputs": (
            "Had a person's {attribute}, and the inputs that carry it ({moved}), been different, {rate} of "
            "decisions would have changed ({level} confidence: {low} to {high}): more than the {tolerance} the "
            "policy tolerates and more than a random change of the same inputs causes ({p95}). Decisions depend "
            "in part on {attribute}."
        ),
        "prohibited_feature_use.meaning.fail_words": (
            "Replacing the words that signal {attribute} ({moved}) changes {rate} of decisions ({level} "
            "confidence: {low} to {high}), more than the {tolerance} the policy tolerates: decisions depend in "
            "part on those words."
        ),
        "prohibited_feature_use.meaning.pass": (
            "Removing what the model infers about {attribute} changes {rate} of its decisions ({level} "
            "confidence: {low} to {high}), within the {tolerance} the policy tolerates: as far as this test can "
            "see, decisions do not depend on {attribute} beyond that tolerance."
        ),
        "prohibited_feature_use.meaning.pass_not_encoded": (
            "The model holds no trace of {attribute} that this test can find where its decisions are formed, so "
            "there is nothing of it there for decisions to depend on; this does not rule out uses the test cannot "
            "see."
        ),
        "prohibited_feature_use.meaning.pass_inputs": (
            "Changing {attribute} and the inputs that carry it ({moved}) changes {rate} of decisions ({level} "
            "confidence: {low} to {high}), also within the tolerance."
        ),
        "prohibited_feature_use.meaning.inputs_not_within": (
            "Inside the model, removing {attribute} stays within the tolerance, but changing it and the inputs "
            "that carry it ({moved}) changes {rate} of decisions ({level} confidence: {low} to {high}), which "
            "cannot be shown to stay within the {tolerance} the policy tolerates. The data cannot tell whether "
            "decisions depend on {attribute}."
        ),
        "prohibited_feature_use.meaning.not_beyond_control": (
            "Removing what the model infers about {attribute} changes {rate} of its decisions, but removing "
            "unrelated information of the same size changes about as many or more ({p95}), so the data cannot tell "
            "whether these changes come from {attribute}."
        ),
        "prohibited_feature_use.meaning.shift_not_within": (
            "Removing what the model infers about {attribute} changes {rate} of its decisions ({level} "
            "confidence: {low} to {high}), but setting it to another group's instead changes {shift} ({shift_low} "
            "to {shift_high}), not within the {tolerance} the policy tolerates. The two tests disagree, so the "
            "data cannot tell whether decisions depend on {attribute}."
        ),
        "prohibited_feature_use.meaning.straddles": (
            "Removing what the model infers about {attribute} changes {rate} of its decisions, but with {level} "
            "confidence anywhere from {low} to {high}, on both sides of the {tolerance} the policy tolerates: the "
            "data cannot tell whether decisions depend on {attribute} more than the policy allows; more people "
            "would decide it."
        ),
        "prohibited_feature_use.meaning.encoding_undecided": (
            "The data cannot tell whether the model holds information about {attribute} where its decisions are "
            "formed, so they cannot tell whether decisions depend on it."
        ),
        "prohibited_feature_use.meaning.encoded_too_weakly_to_erase": (
            "The model holds only a faint trace of {attribute}, too faint to remove and test, so the data cannot "
            "tell whether decisions depend on it."
        ),
        "prohibited_feature_use.meaning.erasure_incomplete": (
            "What the model infers about {attribute} could not be removed completely, so the decisions that "
            "changed do not show how far decisions depend on {attribute}: the data cannot tell."
        ),
        "prohibited_feature_use.meaning.too_few": (
            "Too few people with some values of {attribute} are in the audit data ({values}) to test whether "
            "decisions depend on it."
        ),
    },
    "de": {
        "prohibited_feature_use.summary.sae.ablated": (
            "ein Sparse Autoencoder mit {features} Merkmalen bei {layer} erklärt {fve} [{low}, {high}] ihrer "
            "Varianz; {significant} seiner Merkmale sagen {attribute} vorher (stärkste AUC {auc}), und das "
            "Abschalten der {n_top} stärksten kehrt {rate} [{rate_low}, {rate_high}] der Entscheidungen um "
            "(zufällige Merkmale gleicher Häufigkeit: bis zu {p95})"
        ),
        "prohibited_feature_use.summary.sae.no_control": (
            "ein Sparse Autoencoder mit {features} Merkmalen bei {layer} erklärt {fve} [{low}, {high}] ihrer "
            "Varianz, aber {significant} seiner Merkmale sagen {attribute} vorher, und zu wenige andere feuern, um "
            "eine Zufallskontrolle gleicher Größe zu ziehen; ihr Abschalten lässt sich daher nicht beurteilen (ein "
            "größeres Wörterbuch würde es erlauben)"
        ),
        "prohibited_feature_use.summary.sae.too_little": (
            "ein Sparse Autoencoder mit {features} Merkmalen bei {layer} erklärt nur {fve} [{low}, {high}] "
            "ihrer Varianz, weniger als die geforderten {minimum}; seine Merkmale können die Schicht daher "
            "nicht vertreten"
        ),
        "prohibited_feature_use.summary.sae.no_feature": (
            "ein Sparse Autoencoder mit {features} Merkmalen bei {layer} erklärt {fve} [{low}, {high}] ihrer "
            "Varianz, und keines der {tested} geprüften Merkmale sagt {attribute} vorher"
        ),
        "prohibited_feature_use.rule.sae_ablation_beyond_tolerance_and_control": (
            "der Sparse Autoencoder bei {layer} erklärt genug der Schicht, und das Abschalten seiner "
            "Merkmale, die {attribute} vorhersagen, kehrt Entscheidungen mit einer unteren Konfidenzgrenze "
            "über der Toleranz {tolerance} um, mit einer Rate jenseits des 95. Perzentils von {draws} "
            "Abschaltungen zufälliger Merkmale gleicher Häufigkeit: {attribute} wird über sie verwendet"
        ),
        "prohibited_feature_use.rule.sae_ablation_within_tolerance": (
            "der Sparse Autoencoder bei {layer} erklärt genug der Schicht, und das Abschalten seiner "
            "Merkmale, die {attribute} vorhersagen, kehrt Entscheidungen mit einer oberen Konfidenzgrenze "
            "innerhalb der Toleranz {tolerance} um: das Modell verwendet sie nicht"
        ),
        "prohibited_feature_use.rule.sae_no_feature_predicts_attribute": (
            "der Sparse Autoencoder bei {layer} erklärt genug der Schicht, und keines seiner Merkmale sagt "
            "{attribute} nach der Korrektur für multiples Testen vorher: dort gibt es kein Merkmal von "
            "{attribute}, das verwendet werden könnte"
        ),
        "prohibited_feature_use.rule.sae_explains_too_little": (
            "der Sparse Autoencoder bei {layer} erklärt weniger Varianz der Schicht als das Minimum der "
            "Richtlinie (unteres Ende seines Intervalls); das Abschalten seiner Merkmale kann daher nicht "
            "zeigen, ob {attribute} verwendet wird"
        ),
        "prohibited_feature_use.rule.sae_effect_undecided": (
            "das Abschalten der Sparse-Autoencoder-Merkmale bei {layer}, die {attribute} vorhersagen, kehrt "
            "Entscheidungen mit einer Rate um, deren Intervall die Toleranz {tolerance} überdeckt oder die "
            "nicht über der Zufallskontrolle liegt: unentschieden"
        ),
        "prohibited_feature_use.rule_name.sae_ablation_beyond_tolerance_and_control": (
            "verwendet: Abschalten der SAE-Merkmale über Toleranz und Kontrolle"
        ),
        "prohibited_feature_use.rule_name.sae_ablation_within_tolerance": (
            "nicht verwendet: Abschalten der SAE-Merkmale innerhalb der Toleranz"
        ),
        "prohibited_feature_use.rule_name.sae_no_feature_predicts_attribute": "kein SAE-Merkmal sagt es vorher",
        "prohibited_feature_use.rule_name.sae_explains_too_little": "der SAE erklärt zu wenig der Schicht",
        "prohibited_feature_use.rule_name.sae_effect_undecided": "Abschalten der SAE-Merkmale unentschieden",
        "prohibited_feature_use.meaning.sae_ablation_beyond_tolerance_and_control": (
            "Das Modell stützt sich auf interne Merkmale, die {attribute} abbilden: Werden sie abgeschaltet, "
            "ändern sich mehr seiner Entscheidungen als die {tolerance}, die die Richtlinie duldet, und mehr "
            "als beim Abschalten unbeteiligter Merkmale derselben Art."
        ),
        "prohibited_feature_use.meaning.sae_explains_too_little": (
            "Die im Modell gefundenen Merkmale beschreiben zu wenig von dem, was es berechnet, um zu sagen, "
            "ob es sich auf {attribute} stützt."
        ),
        "prohibited_feature_use.meaning.sae_effect_undecided": (
            "Werden die internen Merkmale des Modells, die {attribute} abbilden, abgeschaltet, ändern sich "
            "einige Entscheidungen; es wurden aber zu wenige Fälle untersucht, um zu sagen, ob die Änderung "
            "die geduldeten {tolerance} übersteigt oder über das Abschalten unbeteiligter Merkmale "
            "hinausgeht."
        ),
        "prohibited_feature_use.finding.sae_used": (
            "{attribute} wird über Sparse-Autoencoder-Merkmale bei {layer} verwendet: Ihr Abschalten kehrt "
            "mehr Entscheidungen um als die Toleranz {tolerance} und als zufällige Merkmale gleicher "
            "Häufigkeit."
        ),
        "prohibited_feature_use.note.sae": (
            "Sparse-Autoencoder-Merkmale bei {layer} ({source}; {features} Merkmale, davon {tested} häufig "
            "genug aktiv, um auf zurückgehaltenen Zeilen nach AUC gereiht zu werden, Holm-korrigiert). Ein "
            "Merkmal ist eine Hypothese darüber, was das Modell darstellt; hier wird sie durch Eingriff "
            "geprüft: Die Aktivierung der Schicht wird durch die Rekonstruktion des SAE ersetzt, mit den "
            "stärksten Merkmalen auf null und dem Fehlerterm des SAE, sodass sich sonst nichts ändert; die "
            "Umschläge werden mit {draws} Abschaltungen ebenso vieler zufälliger Merkmale gleicher "
            "Aktivierungshäufigkeit verglichen. Ein SAE, dessen erklärte Varianz (unteres Ende ihres "
            "Intervalls) unter {minimum} liegt, macht den Abschnitt unentschieden."
        ),
        "prohibited_feature_use.sae.source_loaded": "geladen aus {path}",
        "prohibited_feature_use.sae.source_trained": (
            "ein TopK-SAE mit k = {k}, trainiert auf den Aktivierungen von {rows} Auditzeilen"
        ),
        "prohibited_feature_use.table.sae.title": (
            "Sparse-Autoencoder-Merkmale, die das Attribut bei {layer} vorhersagen (gemeinsam abgeschaltet)"
        ),
        "prohibited_feature_use.col.sae_feature": "Merkmal",
        "prohibited_feature_use.col.sae_value": "kennzeichnet",
        "prohibited_feature_use.col.sae_auc": "AUC",
        "prohibited_feature_use.col.sae_p_adjusted": "p (Holm)",
        "prohibited_feature_use.col.sae_frequency": "aktiv bei",
        "prohibited_feature_use.col.sae_examples": "wo es am stärksten feuert (Audittexte)",
        "prohibited_feature_use.measure.sae_variance_explained": "Vom Sparse Autoencoder erklärte Varianz",
        "prohibited_feature_use.measure.sae_dead_feature_share": "Sparse-Autoencoder-Merkmale, die nie feuern",
        "prohibited_feature_use.measure.sae_top_feature_auc": "AUC des stärksten SAE-Merkmals für das Attribut",
        "prohibited_feature_use.measure.sae_ablation_flip_rate": "Umschlagrate beim Abschalten der SAE-Merkmale",
        "prohibited_feature_use.measure.sae_random_control_flip_rate_p95": (
            "Umschlagrate beim Abschalten zufälliger Merkmale (95. Perzentil)"
        ),
        "prohibited_feature_use.summary.single_value": (
            "{attribute} nimmt in den Prüfdaten nur einen Wert an; daher lässt sich nichts sondieren oder"
            " löschen."
        ),
        "prohibited_feature_use.summary.no_layers_text": (
            "Das Modell hat keine verborgenen Schichten und seine Eingaben sind Texte, die keine "
            "Eingabemerkmale zum Löschen haben; ob es {attribute} verwendet, lässt sich hier nicht messen."
        ),
        "prohibited_feature_use.summary.too_few": (
            "Zu wenige Beispiele je Wert von {attribute}, um mit {folds}-facher Kreuzvalidierung zu "
            "sondieren (benötigt ≥ {need}): {values}."
        ),
        "prohibited_feature_use.summary.value_count": "{value} (n={n})",
        "prohibited_feature_use.summary.sentence": "{text}.",
        "prohibited_feature_use.summary.then": "{first}; {second}",
        "prohibited_feature_use.summary.encoded": (
            "{attribute} ist aus {encoded} von {layers} Schichten linear dekodierbar (beste: {best}, "
            "balancierte Genauigkeit {accuracy} [{low}, {high}], Selektivität {selectivity})"
        ),
        "prohibited_feature_use.summary.not_encoded": (
            "{attribute} ist aus keiner sondierten Schicht nachweislich linear dekodierbar (beste: "
            "{best}, balancierte Genauigkeit {accuracy} [{low}, {high}])"
        ),
        "prohibited_feature_use.summary.flips": (
            "sein Löschen in {layer} kehrt {rate} [{low}, {high}] der Entscheidungen um"
        ),
        "prohibited_feature_use.summary.control": (
            "das Entfernen zufälliger Richtungen, die ebenso viel von {attribute} unabhängige Varianz der"
            " Schicht tragen, wie die Löschung entfernt hat ({collateral}), kehrt bis zu {p95} um (95. "
            "Perzentil von {draws} Ziehungen)"
        ),
        "prohibited_feature_use.summary.residual": (
            "eine Sonde nach der Löschung liest es mit balancierter Genauigkeit {accuracy} [{low}, "
            "{high}]"
        ),
        "prohibited_feature_use.summary.layer.not_encoded_at_layer": (
            "in {layer}, woraus die Entscheidungen gelesen werden, ist es nachweislich nicht linear "
            "kodiert (balancierte Genauigkeit höchstens {high}, Zufallsniveau {chance} + Spielraum "
            "{margin}); das Modell kann es dort also nicht linear verwenden"
        ),
        "prohibited_feature_use.summary.layer.encoding_undecided": (
            "in {layer} ist seine Kodierung unentschieden (balancierte Genauigkeit {accuracy} [{low}, "
            "{high}]), daher kann die Löschung dort die Verwendung nicht entscheiden; mehr Sondenzeilen "
            "(max_probe_examples) oder eine andere Schicht könnten es"
        ),
        "prohibited_feature_use.summary.layer.erasure_effect_beyond_tolerance_and_control": (
            "{flips}, über der Toleranz von {tolerance} und jenseits der Kontrolle ({control}): es wird "
            "verwendet"
        ),
        "prohibited_feature_use.summary.layer.complete_erasure_effect_within_tolerance": (
            "{flips}, innerhalb der Toleranz von {tolerance}; die Löschung ist vollständig ({residual}), "
            "und das Verschieben jeder Zeile zum anderen Wert entlang der gelöschten Richtungen kehrt "
            "{shift} [{shift_low}, {shift_high}] um: es wird nicht verwendet"
        ),
        "prohibited_feature_use.summary.layer.encoded_too_weakly_to_erase": (
            "{flips}; die Verwendung ist unentschieden: {attribute} ist dort nur schwach kodiert "
            "(balancierte Genauigkeit {accuracy} [{low}, {high}], am unteren Ende innerhalb von "
            "Zufallsniveau + {margin}), daher wird die Richtung des Löschers überwiegend vom Rauschen "
            "bestimmt und kann entfernen, was das Modell aus anderen Gründen liest (im Validitätsraster "
            "kehrte ein Modell, das sex nicht verwenden kann, bei Löschung einer Kodierung auf "
            "Zufallsniveau von 0.54 3.3 % der Entscheidungen um); mehr Zeilen würden entscheiden"
        ),
        "prohibited_feature_use.summary.layer.effect_not_beyond_control": (
            "{flips}; die Verwendung ist unentschieden: {control}, der Effekt ist also nicht spezifisch "
            "für {attribute} (Löschen in einer früheren oder breiteren Schicht oder mehr random_draws "
            "würden beides trennen)"
        ),
        "prohibited_feature_use.summary.layer.shift_effect_not_within_tolerance": (
            "{flips}, innerhalb der Toleranz, und die Löschung ist vollständig, aber das Verschieben "
            "jeder Zeile zum Mittelwert des anderen Werts entlang der gelöschten Richtungen (ein "
            "Kontrafaktum in der Repräsentation: die Löschung verschiebt Zeilen nur auf halbem Weg, zum "
            "gemeinsamen Mittelwert) kehrt {shift} [{shift_low}, {shift_high}] um: dass es nicht "
            "verwendet wird, ist nicht gezeigt"
        ),
        "prohibited_feature_use.summary.layer.erasure_incomplete": (
            "{flips}, innerhalb der Toleranz, aber die Löschung ist unvollständig ({residual}, "
            "Zufallsniveau {chance} + Spielraum {margin}): zurückgebliebene Information kann weiterhin "
            "verwendet werden, daher ist die Verwendung unentschieden (mehr Zeilen für die Anpassung der "
            "Löschung, max_fit_examples, würden entscheiden)"
        ),
        "prohibited_feature_use.summary.layer.effect_interval_straddles_tolerance": (
            "{flips}; die Verwendung ist unentschieden: das Intervall überdeckt die Toleranz ({hint})"
        ),
        "prohibited_feature_use.hint.on_tolerance": (
            "mit {n} Auswertungszeilen wäre eine Umschlagrate von mindestens {detectable} als über der "
            "Toleranz nachgewiesen worden; die beobachtete Rate liegt auf der Toleranz, daher entscheidet"
            " sie keine Stichprobengröße"
        ),
        "prohibited_feature_use.hint.rows": (
            "mit {n} Auswertungszeilen wäre eine Umschlagrate von mindestens {detectable} als über der "
            "Toleranz nachgewiesen worden; bei der beobachteten Rate würden etwa {need} Auswertungszeilen"
            " entscheiden (Prüfdaten vergrößern)"
        ),
        "prohibited_feature_use.summary.inputs.where_tabular": (
            "das Verschieben der Eingaben zu {attribute} und der akzeptierten Stellvertreter ({moved}) "
            "jeder Zeile auf den anderen Wert (das Kontrafaktum der Eingaben) kehrt {rate} [{low}, "
            "{high}] der Entscheidungen um"
        ),
        "prohibited_feature_use.summary.inputs.where_text": (
            "das Ersetzen der Begriffe von {moved} in jedem Text kehrt {rate} [{low}, {high}] der "
            "Entscheidungen um"
        ),
        "prohibited_feature_use.summary.inputs.used_beyond_placebo": (
            "Dort, wo {attribute} in das Modell eingeht, gilt: {where}, über der Toleranz von {tolerance}"
            " und jenseits eines Placebos, das dieselben Eingaben mit permutierten Werten von {attribute}"
            " verschiebt (95. Perzentil {p95}): {attribute} wird verwendet."
        ),
        "prohibited_feature_use.summary.inputs.used": (
            "Dort, wo {attribute} in das Modell eingeht, gilt: {where}, über der Toleranz von "
            "{tolerance}: {attribute} wird verwendet."
        ),
        "prohibited_feature_use.summary.inputs.withheld": (
            "aber {where}, nicht nachweislich innerhalb der Toleranz: dass es nicht verwendet wird, ist "
            "nicht gezeigt"
        ),
        "prohibited_feature_use.finding.too_few": (
            "Zu wenige Beispiele einiger Werte von {attribute}, um mit {folds}-facher Kreuzvalidierung zu"
            " sondieren (je Wert ≥ {need} benötigt): {values}; mehr Zeilen dieser Werte prüfen."
        ),
        "prohibited_feature_use.finding.erasure_used": (
            "Das Löschen von {attribute} in {layer} kehrt {rate} [{low}, {high}] der Entscheidungen um, "
            "über der Toleranz von {tolerance} und jenseits der Zufallskontrolle: das Modell verwendet "
            "{attribute}."
        ),
        "prohibited_feature_use.finding.inputs_used": (
            "Das Ändern von {attribute} in den Eingaben ({moved}) kehrt {rate} [{low}, {high}] der "
            "Entscheidungen um, über der Toleranz von {tolerance}: das Modell verwendet {attribute}."
        ),
        "prohibited_feature_use.finding.inputs_not_within": (
            "Das Ändern von {attribute} in den Eingaben ({moved}) kehrt {rate} [{low}, {high}] der "
            "Entscheidungen um, nicht nachweislich innerhalb der Toleranz von {tolerance}: dass "
            "{attribute} nicht verwendet wird, ist nicht gezeigt."
        ),
        "prohibited_feature_use.finding.undecided": (
            "Die Verwendung von {attribute} in {layer} ist unentschieden: {reason}."
        ),
        "prohibited_feature_use.rule.not_encoded_at_layer": (
            "{attribute} in {layer}, woraus die Entscheidungen gelesen werden, nicht linear kodiert: das "
            "Intervall der balancierten Genauigkeit der Sonde bleibt innerhalb von Zufallsniveau + "
            "{margin}. Eine Verwendung über diese Schicht ist ausgeschlossen, daher ist die Umschlagrate "
            "der Löschung dort nur diagnostisch (das Löschen von Richtungen, die keine Information über "
            "{attribute} tragen, misst die Nebenwirkungen des Löschers, nicht die Verwendung){inputs}"
        ),
        "prohibited_feature_use.rule.erasure_effect_beyond_tolerance_and_control": (
            "{attribute} in {layer} kodiert (Intervall der Sonde über Zufallsniveau + {margin}), und das "
            "Löschen seiner linearen Information dort kehrt Entscheidungen mit einer unteren "
            "Konfidenzgrenze über der Toleranz {tolerance} um, mit einer Rate jenseits des 95. Perzentils"
            " von {draws} varianzangeglichenen Löschungen zufälliger Richtungen: {attribute} wird "
            "verwendet"
        ),
        "prohibited_feature_use.rule.complete_erasure_effect_within_tolerance": (
            "Löschung von {attribute} in {layer} vollständig (die Sonde nach der Löschung erreicht das "
            "Zufallsniveau, ihr Schätzwert innerhalb von Zufallsniveau + {margin}), obere Konfidenzgrenze"
            " ihrer Umschlagrate ≤ {tolerance} und ebenso die des Verschiebens jeder Zeile zum anderen "
            "Wert entlang der gelöschten Richtungen ≤ {tolerance}{inputs}"
        ),
        "prohibited_feature_use.rule.all_erased_layers_pass": (
            "Jede gelöschte Schicht ({layers}) besteht nach ihrer eigenen Regel (siehe Löschungstabelle):"
            " entweder ist {attribute} dort nicht linear kodiert (Intervall der Sonde innerhalb von "
            "Zufallsniveau + {margin}; die Umschlagrate der Löschung ist in einer solchen Schicht nur "
            "diagnostisch, da dort nichts von {attribute} zu verwenden ist), oder seine Löschung ist "
            "vollständig, und sowohl die Löschung als auch die Verschiebung entlang der gelöschten "
            "Richtungen kehren Entscheidungen mit oberen Konfidenzgrenzen ≤ {tolerance} um{inputs}"
        ),
        "prohibited_feature_use.rule.encoding_undecided": (
            "Kodierung von {attribute} in {layer} unentschieden: das Intervall der Sonde liegt weder mit "
            "signifikantem Permutationstest über dem Zufallsniveau noch innerhalb von Zufallsniveau + "
            "{margin}, daher kann die Löschung dort die Verwendung nicht entscheiden"
        ),
        "prohibited_feature_use.rule.effect_not_beyond_control": (
            "{attribute} in {layer} kodiert, und seine Löschung kehrt Entscheidungen über der Toleranz "
            "{tolerance} um, jedoch nicht jenseits des 95. Perzentils von {draws} varianzangeglichenen "
            "Löschungen zufälliger Richtungen: der Effekt ist nicht spezifisch für {attribute}, daher ist"
            " die Umschlagrate der Löschung nicht entscheidend; Verwendung unentschieden"
        ),
        "prohibited_feature_use.rule.encoded_too_weakly_to_erase": (
            "{attribute} in {layer} nur schwach kodiert (unteres Ende des Sondenintervalls innerhalb von "
            "Zufallsniveau + {margin}): die Richtung des Löschers wird überwiegend vom Rauschen bestimmt,"
            " daher ist die Umschlagrate der Löschung dort, obwohl über der Toleranz {tolerance}, nicht "
            "entscheidend; Verwendung unentschieden"
        ),
        "prohibited_feature_use.rule.erasure_incomplete": (
            "Umschlagrate der Löschung in {layer} innerhalb der Toleranz (obere Konfidenzgrenze ≤ "
            "{tolerance}), aber die Löschung von {attribute} ist unvollständig (die Sonde nach der "
            "Löschung fällt nicht auf Zufallsniveau + {margin}): zurückgebliebene Information kann "
            "weiterhin verwendet werden; Verwendung unentschieden"
        ),
        "prohibited_feature_use.rule.shift_effect_not_within_tolerance": (
            "Löschung von {attribute} in {layer} vollständig und ihre Umschlagrate innerhalb der Toleranz"
            " {tolerance}, aber das Verschieben jeder Zeile zum anderen Wert entlang der gelöschten "
            "Richtungen liegt nicht nachweislich innerhalb der Toleranz. Diese Verschiebung ist ein "
            "Kontrafaktum in der Repräsentation: sie kann ein BESTANDEN zurückhalten, aber keine "
            "Verwendung nachweisen, daher gilt eine Umschlagrate der Verschiebung über der Toleranz nicht"
            " als Verstoß; dass {attribute} nicht verwendet wird, ist nicht gezeigt"
        ),
        "prohibited_feature_use.rule.effect_interval_straddles_tolerance": (
            "Umschlagrate der Löschung von {attribute} in {layer}: ihr Konfidenzintervall überdeckt die "
            "Toleranz {tolerance}; Verwendung unentschieden"
        ),
        "prohibited_feature_use.rule.input_counterfactual_beyond_tolerance_and_placebo": (
            "Das Verschieben der Eingaben zu {attribute} und der akzeptierten Stellvertreter ({moved}) "
            "auf den anderen Wert kehrt Entscheidungen mit einer unteren Konfidenzgrenze über der "
            "Toleranz {tolerance} um, mit einer Rate jenseits des 95. Perzentils eines Placebos mit "
            "permutierten Werten von {attribute}: {attribute} wird verwendet"
        ),
        "prohibited_feature_use.rule.input_substitution_beyond_tolerance": (
            "Das Ersetzen der Begriffe von {moved} in jedem Text kehrt Entscheidungen mit einer unteren "
            "Konfidenzgrenze über der Toleranz {tolerance} um (eine Ersetzung schätzt nichts, daher "
            "braucht sie kein Placebo): {attribute} wird verwendet"
        ),
        "prohibited_feature_use.rule.input_counterfactual_not_within_tolerance": (
            "Jede gelöschte Schicht besteht, aber das Verschieben der Eingaben zu {attribute} ({moved}) "
            "auf den anderen Wert liegt nicht nachweislich innerhalb der Toleranz {tolerance}. Das hält "
            "ein BESTANDEN zurück; eine Umschlagrate über der Toleranz, die nicht jenseits ihres Placebos"
            " liegt, zeigt keine Verwendung und gilt daher nicht als Verstoß; dass {attribute} nicht "
            "verwendet wird, ist nicht gezeigt"
        ),
        "prohibited_feature_use.rule.too_few_examples_per_value": (
            "Mindestens {need} Beispiele je Wert von {attribute}, um mit {folds}-facher Kreuzvalidierung "
            "zu sondieren"
        ),
        "prohibited_feature_use.rule.clause.no_inputs": (
            "; das Kontrafaktum der Eingaben entfällt (in ihnen ist nichts von {attribute} zu "
            "verschieben)"
        ),
        "prohibited_feature_use.rule.clause.inputs_within": (
            "; und das Verschieben der Eingaben zu {attribute} auf den anderen Wert (ihr Kontrafaktum) "
            "kehrt Entscheidungen mit einer oberen Konfidenzgrenze ≤ {tolerance} um"
        ),
        "prohibited_feature_use.rule_name.not_encoded_at_layer": "nicht linear kodiert",
        "prohibited_feature_use.rule_name.erasure_effect_beyond_tolerance_and_control": (
            "verwendet: Umschlagrate über der Toleranz und jenseits der Zufallskontrolle"
        ),
        "prohibited_feature_use.rule_name.complete_erasure_effect_within_tolerance": (
            "nicht verwendet: vollständige Löschung, Umschlagrate innerhalb der Toleranz"
        ),
        "prohibited_feature_use.rule_name.all_erased_layers_pass": "jede gelöschte Schicht besteht",
        "prohibited_feature_use.rule_name.encoding_undecided": "Kodierung unentschieden",
        "prohibited_feature_use.rule_name.effect_not_beyond_control": "Effekt nicht jenseits der Zufallskontrolle",
        "prohibited_feature_use.rule_name.encoded_too_weakly_to_erase": "zu schwach kodiert für eine Löschung",
        "prohibited_feature_use.rule_name.erasure_incomplete": "Löschung unvollständig",
        "prohibited_feature_use.rule_name.shift_effect_not_within_tolerance": (
            "Verschiebung entlang der gelöschten Richtungen nicht innerhalb der Toleranz"
        ),
        "prohibited_feature_use.rule_name.effect_interval_straddles_tolerance": (
            "Intervall der Umschlagrate überdeckt die Toleranz"
        ),
        "prohibited_feature_use.rule_name.input_counterfactual_beyond_tolerance_and_placebo": (
            "verwendet: Kontrafaktum der Eingaben über der Toleranz und jenseits seines Placebos"
        ),
        "prohibited_feature_use.rule_name.input_substitution_beyond_tolerance": (
            "verwendet: das Ersetzen der Begriffe des Merkmals kehrt Entscheidungen über der Toleranz um"
        ),
        "prohibited_feature_use.rule_name.input_counterfactual_not_within_tolerance": (
            "Kontrafaktum der Eingaben nicht innerhalb der Toleranz"
        ),
        "prohibited_feature_use.rule_name.too_few_examples_per_value": "zu wenige Beispiele je Wert",
        "prohibited_feature_use.note.method": (
            "Eine Sonde zeigt, dass Information kodiert ist; erst die Löschung (ein Eingriff) zeigt, ob "
            "Entscheidungen davon abhängen. Das Urteil stützt sich auf die Löschung: NICHT BESTANDEN, "
            "wenn das Löschen der linearen Information des Merkmals Entscheidungen mit einem Intervall "
            "über der Toleranz ({tolerance}) und jenseits des 95. Perzentils einer varianzangeglichenen "
            "Zufallskontrolle umkehrt (für den Nachweis der Verwendung ist keine vollständige Löschung "
            "nötig); BESTANDEN, wenn die Schicht das Merkmal nachweislich nicht kodiert oder wenn die "
            "Löschung vollständig ist (das Intervall der Sonde nach der Löschung erreicht das "
            "Zufallsniveau und ihr Schätzwert liegt innerhalb von Zufallsniveau + {margin}), das "
            "Intervall ihrer Umschlagrate unter der Toleranz liegt und ebenso das des Verschiebens jeder "
            "Zeile zum Mittelwert des anderen Werts entlang der gelöschten Richtungen (ein Kontrafaktum "
            "in der Repräsentation: die Löschung verschiebt Zeilen nur zum gemeinsamen Mittelwert, etwa "
            "auf halbem Weg); andernfalls UNENTSCHIEDEN mit Begründung. Bei tabellarischen Modellen ist "
            "das Kontrafaktum des Merkmals in den Eingaben ein zweiter Eingriff: es führt für sich allein"
            " zu NICHT BESTANDEN (Intervall über der Toleranz, jenseits seines Placebos) und hält ein "
            "BESTANDEN zurück, solange sein Intervall nicht unter der Toleranz liegt."
        ),
        "prohibited_feature_use.note.probes": (
            "Sonden: L2-regularisierte logistische Regression, {cv}, C aus {grid} nach kreuzvalidierter "
            "balancierter Genauigkeit gewählt; die Kontrollaufgabe {control}; {permutations} "
            "Permutationen der Labels (mit derselben Wahl von C) ergeben den p-Wert (mindestens Schichten"
            " / α, damit der kleinste erreichbare p-Wert die Korrektur über die Schichten überstehen "
            "kann)."
        ),
        "prohibited_feature_use.note.probes.cv": "{folds}-fache stratifizierte Kreuzvalidierung",
        "prohibited_feature_use.note.probes.cv_grouped": "{folds}-fache gruppenweise stratifizierte Kreuzvalidierung",
        "prohibited_feature_use.note.probes.control_grouped": "gibt jedem Wert von {column} ein zufälliges Label",
        "prohibited_feature_use.note.probes.control_permuted": "permutiert die Labels",
        "prohibited_feature_use.note.erasure": (
            "Löschung: LEACE, angepasst auf {fit} der Zeilen, deren Aktivierungen erfasst wurden "
            "(höchstens {max_fit}), über einen Forward-Hook auf alle übrigen Zeilen angewandt. Die Sonde "
            "nach der Löschung läuft auf den zurückgehaltenen erfassten Zeilen, skaliert mit deren "
            "Statistik vor der Löschung. Tote und nahezu tote Einheiten werden weder gelöscht noch "
            "sondiert: ein Eingriff, der auf eine Einheit angepasst ist, die nur bei einer Handvoll "
            "Zeilen feuert, hinterlässt in ihr auf allen anderen Zeilen eine Kopie der gelöschten "
            "Richtung. Kontrolle: {draws} Ziehungen, die ebenso viele zufällige orthonormale Richtungen "
            "entfernen, geneigt zu den Richtungen hoher oder niedriger Varianz der Schicht, sodass sie "
            "innerhalb jedes Werts des Merkmals so viel Varianz entfernen (den Kollateralschaden der "
            "Löschung, alles außer dem Merkmal selbst) wie die Löschung."
        ),
        "prohibited_feature_use.note.input_space": (
            "Der {adapter} hat keine verborgenen Schichten, daher ist der Eingriff einer im Eingaberaum: "
            "die Sonde liest die Eingabemerkmale des Modells (lässt sich {attribute} aus ihnen "
            "dekodieren?), und die Löschung entfernt die lineare Information über {attribute} aus den "
            "Eingabemerkmalen selbst, bevor das Modell sie bewertet. Urteilsregel, Intervalle und "
            "Zufallsrichtungs-Kontrolle sind die einer Löschung in einer verborgenen Schicht."
        ),
        "prohibited_feature_use.note.leaf_space": (
            "Der {adapter} ist ein Baum-Ensemble: seine verborgene Schicht ist {leaves}, und sein Rohwert "
            "ist die Summe der Werte dieser Blätter, eine lineare Auslese wie die letzte Schicht eines "
            "Netzes. Die Sonden lesen die Eingabemerkmale und die Blätter (lässt sich {attribute} aus ihnen "
            "dekodieren?); die Löschung entfernt die lineare Information über {attribute} aus den Blättern "
            "und liest den Rohwert neu aus. Eine Löschung an den Eingaben würde jede Eingabe ein wenig "
            "entlang von Richtungen verschieben, die nur zufällig mit {attribute} korrelieren, und Bäume, "
            "die an exakten Werten teilen, ändern bei solchen Verschiebungen Entscheidungen, auch wenn sie "
            "{attribute} nie nutzen. Urteilsregel, Intervalle und Zufallsrichtungs-Kontrolle sind die einer "
            "Löschung in einer verborgenen Schicht."
        ),
        "prohibited_feature_use.note.erasure_leaves": (
            "Löschung: LEACE, angepasst auf die One-Hot-Blätter ({leaves} Blätter von {trees} Bäumen) von "
            "{fit} der Prüfzeilen (höchstens {max_fit}), auf die Blätter aller übrigen Zeilen angewandt, "
            "deren Rohwert dann aus den veränderten Blättern neu ausgelesen wird. Die Sonde nach der "
            "Löschung läuft auf den zurückgehaltenen Zeilen, skaliert mit deren Statistik vor der Löschung. "
            "Blätter, die kaum eine Zeile erreicht, werden weder gelöscht noch sondiert. Kontrolle: {draws} "
            "Ziehungen, die ebenso viele zufällige orthonormale Richtungen des Blattraums entfernen, so "
            "geneigt, dass sie innerhalb jedes Werts des Merkmals so viel Varianz entfernen (den "
            "Kollateralschaden der Löschung) wie die Löschung."
        ),
        "prohibited_feature_use.note.effect_sample": (
            "Entscheidungswechsel (Löschung, Kontrolle mit Zufallsrichtungen, kontrafaktische Eingaben) wurden auf "
            "{rows} der {total} Zeilen gezählt, auf die der Löscher nicht angepasst wurde (max_effect_examples = "
            "{limit}): eine reproduzierbare Stichprobe, innerhalb jedes Werts des Merkmals proportional zu seiner "
            "Größe gezogen. Ihre Intervalle sind die der Stichprobe; ein größeres max_effect_examples macht sie "
            "schmaler, mit entsprechend mehr Modellauswertungen."
        ),
        "prohibited_feature_use.note.erasure_inputs": (
            "Löschung: LEACE, angepasst auf die Eingabemerkmale von {fit} der Prüfzeilen (höchstens "
            "{max_fit}), auf die Eingabemerkmale aller übrigen Zeilen angewandt, bevor das Modell sie "
            "bewertet. Die Sonde nach der Löschung läuft auf den zurückgehaltenen Zeilen, skaliert mit "
            "deren Statistik vor der Löschung. Nahezu konstante Merkmale werden weder gelöscht noch "
            "sondiert. Kontrolle: {draws} Ziehungen, die ebenso viele zufällige orthonormale Richtungen "
            "des Eingaberaums entfernen, so geneigt, dass sie innerhalb jedes Werts des Merkmals so viel "
            "Varianz entfernen (den Kollateralschaden der Löschung) wie die Löschung."
        ),
        "prohibited_feature_use.note.values": "Werte des Merkmals: {values}.",
        "prohibited_feature_use.note.delta_accuracy": (
            "Das Löschen in {layer} hat die Genauigkeit der Aufgabe um {delta} verändert: wo das Label "
            "mit dem Merkmal korreliert, entfernt die Löschung auch Information über das Label."
        ),
        "prohibited_feature_use.note.dead_units": (
            "{count} Einheit(en) von {layer} sind tot oder nahezu tot (Varianz unter {share} der "
            "mittleren Einheitsvarianz der Schicht auf den Anpassungszeilen): sie wurden weder gelöscht "
            "noch nach der Löschung sondiert."
        ),
        "prohibited_feature_use.note.straddles": "In {layer}: {hint}.",
        "prohibited_feature_use.note.nothing_significant": (
            "In {layer} unterscheidet sich keiner der {components} Einträge der Kreuzkovarianz des Merkmals "
            "(geweißt mit der Kovarianz innerhalb der Klassen) über das Schätzrauschen hinaus von null "
            "(Benjamini–Hochberg, Falschentdeckungsrate {fdr}); dort wurde daher nichts gelöscht, und die "
            "Löschung ändert keine Entscheidung: auf solches Rauschen angepasst, würde LEACE Zeilen entlang "
            "von Richtungen verschieben, die nichts vom Merkmal tragen."
        ),
        "prohibited_feature_use.note.significant_components": (
            "In {layer} wurde der Löscher auf die {kept} von {components} Einträgen der Kreuzkovarianz des "
            "Merkmals (geweißt mit der Kovarianz innerhalb der Klassen) angepasst, die sich über das "
            "Schätzrauschen hinaus von null unterscheiden (Benjamini–Hochberg, Falschentdeckungsrate "
            "{fdr}); "
            "die übrigen wurden auf null gesetzt. Auch auf das Rauschen angepasst, verschiebt LEACE jede "
            "Zeile entlang von Richtungen, die nichts vom Merkmal tragen, um einen Betrag mit dem "
            "Vorzeichen des Merkmals (etwa 1/√n der Streuung in jeder Richtung), und ein Modell, das das "
            "Merkmal nie liest, kann darauf reagieren."
        ),
        "prohibited_feature_use.note.inputs.text": (
            "Eingaben: die Begriffe von {moved} in den {n} Auswertungstexten mit eindeutigem Wert (den "
            "Zeilen, auf die der Löscher nicht angepasst wurde) durch ihre Entsprechungen jedes anderen "
            "Werts von {attribute} ersetzt; Wilson-Intervall. Die Ersetzung ändert nur die eigenen Wörter"
            " des Merkmals und schätzt nichts, daher hat sie kein Placebo."
        ),
        "prohibited_feature_use.note.inputs.tabular": (
            "Eingaben: {moved} auf jeden anderen Wert von {attribute} verschoben (eigene Spalten auf den "
            "Code des Werts gesetzt; von der Prüfung akzeptierte Stellvertreter über die Abbildung des "
            "propagierten Kontrafaktums verschoben, ein kategorialer Block als Ganzes), die Abbildung auf"
            " den Anpassungszeilen der Löschung geschätzt und auf die {n} Auswertungszeilen angewandt. "
            "Intervall: das Wilson-Intervall, erweitert auf das Perzentilintervall von {resamples} "
            "Wiederholungsstichproben, die die Abbildung neu schätzen. Placebo: {draws} Ziehungen, die "
            "dieselben Eingaben mit permutierten Werten von {attribute} verschieben (Median {median}, 95."
            " Perzentil {p95})."
        ),
        "prohibited_feature_use.note.proxies.joint": (
            "Die übrigen Eingaben sagen {attribute} gemeinsam mit einer kreuzvalidierten AUC von {auc} "
            "[{low}, {high}] vorher (redundante Kodierung: {level})."
        ),
        "prohibited_feature_use.note.proxies.joint_flagged": (
            "Die übrigen Eingaben sagen {attribute} gemeinsam mit einer kreuzvalidierten AUC von {auc} "
            "[{low}, {high}] vorher (redundante Kodierung: {level}); markierte Stellvertreter: {proxies}."
        ),
        "prohibited_feature_use.encoding_level.strong": "stark",
        "prohibited_feature_use.encoding_level.notable": "beachtlich",
        "prohibited_feature_use.encoding_level.none": "keine",
        "prohibited_feature_use.note.proxies.both": (
            "Starke Stellvertreter von {attribute}, auf die sich das Modell auch stützt "
            "(Attributionsanteil > {share} oder unter den ersten 3 bei > {top3} der Instanzen): "
            "{features}. Die kontrafaktische Variation (propagiert) misst, ob sie das Merkmal in die "
            "Entscheidungen tragen."
        ),
        "prohibited_feature_use.note.attribution": (
            "Attributionsmasse: Integrated Gradients auf {n} per Seed gezogenen Zeilen, relativ zum "
            "Mittelwert einer Hintergrundstichprobe von {background} Zeilen (interventionell; dieselben "
            "Attributionen wie attribution_agreement). Geringe Attribution beweist keine Nichtverwendung:"
            " ein Modell kann sie verbergen; die Löschung entscheidet."
        ),
        "prohibited_feature_use.note.not_an_input": (
            "{attribute} ist keine Eingabe des Modells: seine direkte Attribution ist "
            "konstruktionsbedingt null, daher können es nur Stellvertreter tragen."
        ),
        "prohibited_feature_use.note.input_share": (
            "{attribute} ist eine Eingabe des Modells ({feature}): es trägt {share} [{low}, {high}] der "
            "Attributionsmasse und ist bei {top3} der Instanzen unter den ersten 3 (mittlerer Rang "
            "{rank}); mittlere vorzeichenbehaftete Attribution je Wert: {signed}."
        ),
        "prohibited_feature_use.note.input_share_flagged": (
            "{attribute} ist eine Eingabe des Modells ({feature}): es trägt {share} [{low}, {high}] der "
            "Attributionsmasse und ist bei {top3} der Instanzen unter den ersten 3 (mittlerer Rang "
            "{rank}); mittlere vorzeichenbehaftete Attribution je Wert: {signed}. Das überschreitet die "
            "A3-Markierung (Anteil > 5 % oder unter den ersten 3 bei > 10 %): über die direkte Verwendung"
            " entscheidet die kontrafaktische Variation (nur Umkehrung)."
        ),
        "prohibited_feature_use.note.signed_value": "{value}: {mass}",
        "prohibited_feature_use.reason.list": "{reasons}",
        "prohibited_feature_use.reason.chi2": "χ² Holm-p {p} ≤ {alpha}",
        "prohibited_feature_use.reason.strength": "V {v} [{low}, {high}] ≥ {minimum}",
        "prohibited_feature_use.reason.strength_undefined": "V undefiniert (eine Stufe) ≥ {minimum}",
        "prohibited_feature_use.reason.nmi": "NMI {nmi} ≥ {flag}",
        "prohibited_feature_use.reason.cramers_v": "Cramérs V {v} ≥ {flag}",
        "prohibited_feature_use.table.probes.title": "Lineare Sonden je Schicht (ist das Merkmal kodiert?)",
        "prohibited_feature_use.table.erasure.title": (
            "LEACE-Löschung auf dem Auswertungsteil (wird das Merkmal verwendet?); Toleranz {tolerance}"
        ),
        "prohibited_feature_use.table.effects.title": (
            "Was jede Löschung entfernt und außer den Entscheidungen verändert hat"
        ),
        "prohibited_feature_use.table.proxies.title": (
            "Prüfung auf Stellvertreter: wie viel jede Eingabe über {attribute} verrät und wie stark sich"
            " das Modell auf sie stützt"
        ),
        "prohibited_feature_use.col.layer": "Schicht",
        "prohibited_feature_use.col.n": "n",
        "prohibited_feature_use.col.balanced_accuracy": "balancierte Genauigkeit",
        "prohibited_feature_use.col.ci_low": "KI unten",
        "prohibited_feature_use.col.ci_high": "KI oben",
        "prohibited_feature_use.col.chance": "Zufallsniveau",
        "prohibited_feature_use.col.control_task": "Kontrollaufgabe",
        "prohibited_feature_use.col.selectivity": "Selektivität",
        "prohibited_feature_use.col.p_permutation": "p (Permutation)",
        "prohibited_feature_use.col.p_adjusted": "p (innerhalb der Prüfung korrigiert)",
        "prohibited_feature_use.col.mdl": "MDL-Kompression",
        "prohibited_feature_use.col.mdl_control": "MDL Kontrolle",
        "prohibited_feature_use.col.encoded": "kodiert",
        "prohibited_feature_use.col.flip_rate": "Umschlagrate",
        "prohibited_feature_use.col.control_p95": "Kontrolle p95",
        "prohibited_feature_use.col.swap_flip_rate": "Umschlagrate der Verschiebung",
        "prohibited_feature_use.col.swap_ci_high": "Verschiebung KI oben",
        "prohibited_feature_use.col.verdict": "Urteil",
        "prohibited_feature_use.col.rule": "Regel",
        "prohibited_feature_use.col.directions": "Richtungen",
        "prohibited_feature_use.col.variance_removed": "entfernte Varianz",
        "prohibited_feature_use.col.collateral": "davon kollateral",
        "prohibited_feature_use.col.probe_after": "Sonde nach Löschung",
        "prohibited_feature_use.col.probe_after_ci_high": "ihr KI oben",
        "prohibited_feature_use.col.control_median": "Kontrolle Median",
        "prohibited_feature_use.col.mean_abs_score_change": "mittlere |ΔScore|",
        "prohibited_feature_use.col.mean_kl": "mittlere KL",
        "prohibited_feature_use.col.delta_accuracy": "Δ Genauigkeit",
        "prohibited_feature_use.col.gap_before": "Paritätslücke vorher",
        "prohibited_feature_use.col.gap_after": "Paritätslücke nachher",
        "prohibited_feature_use.col.feature": "Merkmal",
        "prohibited_feature_use.col.nmi": "NMI",
        "prohibited_feature_use.col.cramers_v": "Cramérs V",
        "prohibited_feature_use.col.flagged_because": "markiert wegen",
        "prohibited_feature_use.col.attribution_share": "Attributionsanteil",
        "prohibited_feature_use.col.proxy_and_attributed": "Stellvertreter und attribuiert",
        "prohibited_feature_use.chart.layers.title": "Wie gut sich {attribute} aus jeder Schicht lesen lässt",
        "prohibited_feature_use.chart.layers.x_label": "Schicht",
        "prohibited_feature_use.chart.layers.y_label": "balancierte Genauigkeit",
        "prohibited_feature_use.chart.layers.probe": "Sonde (Aufgabe)",
        "prohibited_feature_use.chart.layers.control": "Kontrollaufgabe",
        "prohibited_feature_use.chart.layers.chance": "Zufallsniveau",
        "prohibited_feature_use.measure.probe_balanced_accuracy": "Balancierte Genauigkeit der Sonde",
        "prohibited_feature_use.measure.probe_selectivity": "Selektivität der Sonde (gegenüber der Kontrollaufgabe)",
        "prohibited_feature_use.measure.mdl_compression": "MDL-Kompression (Online-Code)",
        "prohibited_feature_use.measure.erasure_flip_rate": "Umschlagrate der Löschung",
        "prohibited_feature_use.measure.erasure_mean_abs_score_change": "Mittlere |ΔScore| durch die Löschung",
        "prohibited_feature_use.measure.erasure_mean_kl": "Mittlere KL-Divergenz durch die Löschung",
        "prohibited_feature_use.measure.probe_accuracy_after_erasure": (
            "Balancierte Genauigkeit der Sonde nach der Löschung"
        ),
        "prohibited_feature_use.measure.random_control_flip_rate_p95": (
            "Umschlagrate der Zufallsrichtungskontrolle (95. Perzentil)"
        ),
        "prohibited_feature_use.measure.erasure_variance_share": "Durch die Löschung entfernte Varianz",
        "prohibited_feature_use.measure.erasure_delta_accuracy": "Änderung der Genauigkeit durch die Löschung",
        "prohibited_feature_use.measure.erasure_delta_parity_gap": "Änderung der Paritätslücke durch die Löschung",
        "prohibited_feature_use.measure.shift_flip_rate": (
            "Umschlagrate der Verschiebung (entlang der gelöschten Richtungen)"
        ),
        "prohibited_feature_use.measure.input_counterfactual_flip_rate": "Umschlagrate des Kontrafaktums der Eingaben",
        "prohibited_feature_use.measure.input_placebo_flip_rate_p95": (
            "Placebo-Umschlagrate der Eingaben (95. Perzentil)"
        ),
        "prohibited_feature_use.measure.proxy_joint_auc": "Gemeinsame Stellvertreter-AUC der übrigen Eingaben",
        "prohibited_feature_use.measure.protected_attribution_share": "Attributionsanteil der geschützten Eingabe",
        "prohibited_feature_use.measure.protected_in_top3_rate": (
            "Anteil der Instanzen mit der geschützten Eingabe unter den ersten 3"
        ),
        "prohibited_feature_use.meaning.fail": (
            "Entfernt man, was das Modell aus den übrigen Eingaben über {attribute} erschließt, ändern sich "
            "{rate} seiner Entscheidungen (Konfidenz {level}: {low} bis {high}), mehr als die {tolerance}, die "
            "die Prüfrichtlinie toleriert, und mehr, als das Entfernen gleich umfangreicher, unbeteiligter Information "
            "bewirkt: Die Entscheidungen hängen zum Teil von {attribute} einer Person ab, so wie das Modell es "
            "erschließt."
        ),
        "prohibited_feature_use.remediation.erasure": (
            "Entfernte man, was das Modell in {layer} über {attribute} erschließt, änderte sich der Abstand "
            "zwischen den Gruppen von {attribute} bei günstigen Entscheidungen von {gap_before} "
            "(Konfidenz {level}: {before_low} bis {before_high}) auf {gap_after} ({after_low} bis {after_high}) "
            "und der Anteil richtiger Entscheidungen um {accuracy} ({accuracy_low} bis {accuracy_high}). "
            "Vorbehalte: Dies ist ein Eingriff in das geprüfte Modell, gemessen auf den Prüfdaten bei sonst "
            "unveränderten Eingaben, kein neu trainiertes Modell; er kann auch berechtigte Information entfernen, "
            "die mit {attribute} zusammenhängt; jede Abhilfe muss eine neue Prüfung bestehen."
        ),
        "prohibited_feature_use.meaning.fail_inputs": (
            "Wäre {attribute} einer Person, samt den Eingaben, die es tragen ({moved}), anders gewesen, hätten "
            "sich {rate} der Entscheidungen geändert (Konfidenz {level}: {low} bis {high}): mehr als die "
            "{tolerance}, die die Prüfrichtlinie toleriert, und mehr, als eine zufällige Änderung derselben Eingaben "
            "bewirkt ({p95}). Die Entscheidungen hängen zum Teil von {attribute} ab."
        ),
        "prohibited_feature_use.meaning.fail_words": (
            "Ersetzt man die Wörter, die {attribute} anzeigen ({moved}), ändern sich {rate} der Entscheidungen "
            "(Konfidenz {level}: {low} bis {high}), mehr als die {tolerance}, die die Prüfrichtlinie toleriert: Die "
            "Entscheidungen hängen zum Teil von diesen Wörtern ab."
        ),
        "prohibited_feature_use.meaning.pass": (
            "Entfernt man, was das Modell über {attribute} erschließt, ändern sich {rate} seiner Entscheidungen "
            "(Konfidenz {level}: {low} bis {high}), innerhalb der {tolerance}, die die Prüfrichtlinie toleriert: "
            "Soweit "
            "diese Prüfung es erkennen kann, hängen die Entscheidungen nicht über diese Toleranz hinaus von "
            "{attribute} ab."
        ),
        "prohibited_feature_use.meaning.pass_not_encoded": (
            "Das Modell trägt dort, wo seine Entscheidungen entstehen, keine Spur von {attribute}, die diese "
            "Prüfung finden kann; die Entscheidungen können dort also nicht davon abhängen. Nutzungen, die die "
            "Prüfung nicht sieht, schließt das nicht aus."
        ),
        "prohibited_feature_use.meaning.pass_inputs": (
            "Ändert man {attribute} und die Eingaben, die es tragen ({moved}), ändern sich {rate} der "
            "Entscheidungen (Konfidenz {level}: {low} bis {high}), ebenfalls innerhalb der Toleranz."
        ),
        "prohibited_feature_use.meaning.inputs_not_within": (
            "Im Modell bleibt das Entfernen von {attribute} innerhalb der Toleranz, doch ändert man es und die "
            "Eingaben, die es tragen ({moved}), ändern sich {rate} der Entscheidungen (Konfidenz {level}: {low} "
            "bis {high}); dass das innerhalb der {tolerance} bleibt, die die Prüfrichtlinie toleriert, lässt sich "
            "nicht "
            "zeigen. Ob die Entscheidungen von {attribute} abhängen, lässt sich daher nicht sagen."
        ),
        "prohibited_feature_use.meaning.not_beyond_control": (
            "Entfernt man, was das Modell über {attribute} erschließt, ändern sich {rate} seiner Entscheidungen; "
            "das Entfernen gleich umfangreicher, unbeteiligter Information ändert aber ebenso viele oder mehr ({p95}). "
            "Ob diese Änderungen von {attribute} herrühren, lässt sich daher nicht sagen."
        ),
        "prohibited_feature_use.meaning.shift_not_within": (
            "Entfernt man, was das Modell über {attribute} erschließt, ändern sich {rate} seiner Entscheidungen "
            "(Konfidenz {level}: {low} bis {high}); setzt man stattdessen den Wert einer anderen Gruppe ein, "
            "ändern sich {shift} ({shift_low} bis {shift_high}), nicht innerhalb der {tolerance}, die die "
            "Prüfrichtlinie "
            "toleriert. Die beiden Prüfungen widersprechen sich; ob die Entscheidungen von {attribute} abhängen, "
            "lässt sich daher nicht sagen."
        ),
        "prohibited_feature_use.meaning.straddles": (
            "Entfernt man, was das Modell über {attribute} erschließt, ändern sich {rate} seiner Entscheidungen, "
            "mit einer Konfidenz von {level} aber irgendwo zwischen {low} und {high}, also auf beiden Seiten der "
            "{tolerance}, die die Prüfrichtlinie toleriert: Ob die Entscheidungen stärker von {attribute} abhängen, "
            "als "
            "die Prüfrichtlinie erlaubt, lässt sich nicht sagen; mehr Personen würden es entscheiden."
        ),
        "prohibited_feature_use.meaning.encoding_undecided": (
            "Ob das Modell dort, wo seine Entscheidungen entstehen, Information über {attribute} trägt, lässt "
            "sich aus den Daten nicht sagen, und damit auch nicht, ob die Entscheidungen davon abhängen."
        ),
        "prohibited_feature_use.meaning.encoded_too_weakly_to_erase": (
            "Das Modell trägt nur eine schwache Spur von {attribute}, zu schwach, um sie zu entfernen und zu "
            "prüfen; ob die Entscheidungen davon abhängen, lässt sich daher nicht sagen."
        ),
        "prohibited_feature_use.meaning.erasure_incomplete": (
            "Was das Modell über {attribute} erschließt, ließ sich nicht vollständig entfernen; die geänderten "
            "Entscheidungen zeigen daher nicht, wie weit die Entscheidungen von {attribute} abhängen."
        ),
        "prohibited_feature_use.meaning.too_few": (
            "Für einige Werte von {attribute} enthalten die Prüfdaten zu wenige Personen ({values}), um zu "
            "prüfen, ob die Entscheidungen davon abhängen."
        ),
    },
}
