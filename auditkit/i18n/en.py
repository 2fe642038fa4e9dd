"""English report messages: the reference catalogue (every other language has exactly these keys).

Keys are grouped by where they print: ``section.*`` headings, ``cover.*``,
``summary.*`` ... ``annex.*``; ``family.*``, ``def.*``, ``trace.*`` and
``not_covered.*`` hold the fixed wording of :mod:`auditkit.report.catalog`.
``{name}`` fields are filled by the view builder; ``.one``/``.other`` pairs are
singular and plural, chosen by :func:`auditkit.i18n.tn`.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- formatting ---
    "fmt.not_provided": "not provided",
    "fmt.yes": "yes",
    "fmt.no": "no",
    "fmt.default_suffix": " (default)",
    "fmt.overall": "overall",
    "fmt.page": "Page",
    "fmt.of": "of",
    # --- status and severity words (codes stay in the data; these are what a reader sees) ---
    "status.PASS": "PASS",
    "status.FAIL": "FAIL",
    "status.INCONCLUSIVE": "INCONCLUSIVE",
    "status.ERROR": "ERROR",
    "status.SKIPPED": "SKIPPED",
    "status.NOT DECIDED": "NOT DECIDED",
    "severity.blocker": "blocker",
    "severity.major": "major",
    "severity.minor": "minor",
    "severity.info": "info",
    # --- section titles ---
    "section.document-control": "Document control",
    "section.summary": "Executive summary and gate decision",
    "section.scope": "System identification and scope",
    "section.criteria": "Acceptance criteria",
    "section.setup": "Test setup and provenance",
    "section.data": "Data and bias examination",
    "section.results": "Results per check family",
    "section.not-assessed": "Not assessed",
    "section.findings": "Findings and residual risk",
    "section.changes": "Changes since the previous audit",
    "section.signoff": "Sign-off",
    "section.annex-a": "Annex A. Test log",
    "section.annex-c": "Annex C. Policy and attachments",
    "section.annex-d": "Annex D. Metric definitions",
    "section.annex-e": "Annex E. Traceability matrix",
    "section.contents": "Contents",
    # --- cover and document control ---
    "cover.title": "Model audit report: {system}",
    "cover.brand": "Model audit report · EU AI Act technical documentation",
    "cover.provider_missing": "provider not provided",
    "cover.report": "Report",
    "cover.gate": "Gate decision",
    "cover.description": "Audit report {report_id} {version} for {system}",
    "cover.confidential": "Confidential",
    "doc.report_id": "Report ID",
    "doc.version": "Version",
    "doc.date": "Date",
    "doc.gate": "Gate decision",
    "doc.system": "System",
    "doc.provider": "Provider",
    "doc.annex_iii": "Annex III point",
    "doc.policy": "Policy",
    "doc.policy_sha": "Policy SHA-256",
    "doc.model_fp": "Model fingerprint (SHA-256)",
    "doc.dataset_fp": "Dataset fingerprint (SHA-256)",
    "doc.run_id": "Run ID",
    "doc.confidentiality": "Confidentiality",
    "doc.legal_basis": "Legal basis",
    "doc.legal_basis_text": "Test report for the technical documentation of a high-risk AI system, "
    "Regulation (EU) 2024/1689 Annex IV point 2(g)",
    # --- 1 executive summary ---
    "gate.PASS": "Release gate passed: no blocking finding.",
    "gate.FAIL": "Release gate failed: the model must not be released as audited.",
    "gate.INCONCLUSIVE": "Release gate inconclusive: the evidence does not decide, which is not a pass.",
    "gate.ERROR": "Release gate in error: checks could not be computed, so no release decision is possible.",
    "gate.none": "No gate decision was recorded (run state: {state}).",
    "summary.run_error": "The run ended with an error.",
    "summary.checks_ran": "{n} checks ran: {counts}.",
    "summary.count": "{count} {status}",
    "summary.blocking.one": "{n} blocking finding (blocker severity with FAIL, ERROR or INCONCLUSIVE).",
    "summary.blocking.other": "{n} blocking findings (blocker severity with FAIL, ERROR or INCONCLUSIVE).",
    "summary.p_family": "{n} p-values adjusted together as one family ({correction}).",
    "summary.not_assessed": "{n} of the 5 standard check families not assessed; see section 7.",
    "summary.gaps": "{n} group(s) below the minimum group size of {min_size}; see section 5.",
    "summary.blocking_title": "Blocking findings",
    "summary.no_blocking": "No blocking findings.",
    "col.ref": "Ref.",
    "col.check": "Check",
    "col.status": "Status",
    "col.finding": "Finding",
    # --- 2 scope ---
    "scope.lead": "Human-supplied description of the system (Annex IV point 1), taken from the policy. Fields "
    "marked",
    "scope.lead_end": "are absent from the policy and must be completed elsewhere in the technical documentation.",
    "scope.system_name": "System name",
    "scope.system_version": "System version",
    "scope.provider": "Provider",
    "scope.provider_contact": "Provider contact",
    "scope.intended_purpose": "Intended purpose",
    "scope.annex_iii": "Annex III point",
    "scope.misuse": "Reasonably foreseeable misuse",
    "scope.out_of_scope": "Out-of-scope uses",
    "scope.deployer": "Deployer context",
    "scope.oversight": "Human oversight measures",
    "scope.standards": "Standards applied",
    # --- 3 criteria ---
    "criteria.lead": "Metrics and thresholds were fixed in the policy before the run (Art. 9(8)).",
    "criteria.art98": "Art. 9(8):",
    "criteria.policy": "Policy",
    "criteria.statistics": "Statistics settings",
    "criteria.checks": "Checks and thresholds",
    "timing.unknown": "The policy's effective date is not recorded, so the report cannot show that the acceptance "
    "criteria were fixed before the run started on {started} (Art. 9(8)).",
    "timing.before.one": "Policy effective from {effective}, {n} day before the run started on {started}.",
    "timing.before.other": "Policy effective from {effective}, {n} days before the run started on {started}.",
    "timing.same_day": "Policy effective from {effective}, the same day the run started ({started}).",
    "timing.after.one": "Policy effective from {effective}, {n} day AFTER the run started on {started}: the "
    "acceptance criteria were not in force when the tests ran, contrary to Art. 9(8).",
    "timing.after.other": "Policy effective from {effective}, {n} days AFTER the run started on {started}: the "
    "acceptance criteria were not in force when the tests ran, contrary to Art. 9(8).",
    "timing.finding": "Acceptance criteria not fixed before the run",
    "timing.action": "Re-run the audit under a policy dated before the run.",
    "policy.id": "Policy ID",
    "policy.version": "Policy version",
    "policy.effective": "Effective from",
    "policy.approved_by": "Approved by",
    "policy.supersedes": "Supersedes",
    "policy.rationale": "Rationale",
    "policy.sha": "Policy SHA-256",
    "stats.confidence": "Confidence level",
    "stats.correction": "Multiple-testing correction",
    "stats.min_group_size": "Minimum group size",
    "stats.bootstrap": "Bootstrap resamples",
    "stats.seed": "Seed",
    "criteria.table": "Checks and thresholds fixed before the run",
    "criteria.col.kind": "Kind",
    "criteria.col.severity": "Severity",
    "criteria.col.params": "Thresholds and parameters",
    "criteria.note_policy": "As written in the policy; parameters not written take the check's documented "
    "defaults (Annex B lists every parameter as run). Each check's rationale is printed with its result in "
    "section 6.",
    "criteria.note_outcomes": "The stored policy text lists no checks; parameters are those recorded with each "
    "outcome.",
    # --- 4 setup ---
    "setup.run": "Run",
    "setup.environment": "Environment",
    "setup.no_environment": "The run recorded no environment.",
    "setup.model": "Model",
    "setup.dataset": "Audit data set",
    "setup.packages": "Package versions",
    "setup.package": "Package",
    "setup.version": "Version",
    "setup.no_packages": "The run recorded no package versions.",
    # provenance fields of the model, the data and the environment (section 4)
    "ref.type": "Type",
    "ref.adapter": "Adapter",
    "ref.name": "Name",
    "ref.task": "Task",
    "ref.source": "Source",
    "ref.class": "Class",
    "ref.parameters": "Parameters",
    "ref.dtype": "Number type",
    "ref.device": "Device",
    "ref.output": "Output",
    "ref.favourable_output": "Favourable output",
    "ref.decision_threshold": "Decision threshold",
    "ref.batch_size": "Batch size",
    "ref.feature_names": "Feature names",
    "ref.fingerprint": "Fingerprint",
    "ref.path": "Path",
    "ref.format": "Format",
    "ref.kind": "Kind",
    "ref.n_rows": "Rows used",
    "ref.rows_in_file": "Rows in file",
    "ref.max_rows": "Row limit",
    "ref.columns": "Columns",
    "ref.label": "Label",
    "ref.favourable_label": "Favourable label",
    "ref.favourable_rate": "Favourable rate",
    "ref.protected_attributes": "Protected attributes",
    "ref.features": "Features",
    "ref.id_column": "ID column",
    "ref.python": "Python",
    "ref.platform": "Platform",
    "ref.machine": "Machine",
    # type: mlflow (where the model came from: the registry, the run, the stores)
    "ref.mlflow_uri": "MLflow model URI",
    "ref.flavour": "MLflow flavour",
    "ref.registered_model": "Registered model",
    "ref.model_version": "Model version",
    "ref.model_alias": "Model alias",
    "ref.run_id": "MLflow run ID",
    "ref.logged_model_id": "MLflow logged model ID",
    "ref.logged_with": "Logged with",
    "ref.tracking_uri": "MLflow tracking store",
    "ref.registry_uri": "MLflow model registry",
    "ref.artifact_uri": "Artifact location",
    "ref.model_directory": "Model directory",
    "ref.store_configured_by": "Stores configured by",
    "setup.fingerprint": "SHA-256 fingerprint",
    "setup.remote_code": "Remote code allowed (allow_remote_code)",
    "setup.remote_code_on": "yes: the policy lets Python code shipped in the model directory run when the model "
    "loads (trust_remote_code)",
    "run.id": "Run ID",
    "run.trigger": "Trigger",
    "run.state": "State",
    "run.device": "Device",
    "run.started": "Started",
    "run.finished": "Finished",
    "run.seed": "Run seed",
    "run.stat_seed": "Statistics seed",
    # --- 5 data ---
    "data.lead": "Protected groups examined (Art. 10(2)(f)–(h)). Minimum group size: {min_size}; smaller groups "
    "are data gaps and are highlighted.",
    "data.art4a": "Art. 4a justification (special-category data)",
    "data.attributes": "Protected attributes declared in the policy",
    "data.col.attribute": "Attribute",
    "data.col.source": "Source",
    "data.col.values": "Values",
    "data.col.reference": "Reference",
    "data.col.model_input": "Model input",
    "data.source_column": "column {name}",
    "data.source_lexicon": "lexicon {name}",
    "data.no_attributes": "The policy text declares no protected attributes.",
    "data.coverage": "Group sizes seen by the checks (largest n per check and group)",
    "data.col.groups": "Groups (n)",
    "data.group_n": "{group} ({n})",
    "data.col.against": "Against minimum",
    "data.below": "below minimum ({min_size})",
    "data.adequate": "adequate",
    "data.no_sizes": "No check reported group sizes.",
    "data.gap": "Group “{group}” in check {check} has n = {n}, below the minimum group size of {min_size}: its "
    "estimates are unreliable and it is a data gap (Art. 10(2)(h)).",
    "data.gaps": "Data gaps",
    "data.no_gaps": "No group below the minimum size was reported.",
    "data.profile_title": "Audit data profile",
    "data.profile": "Audit data profile ({n} rows): every model input and protected attribute column",
    "data.col.column": "Column",
    "data.col.unit": "Unit",
    "data.col.range": "Range or categories",
    "data.col.missing": "Missing",
    "data.col.by_group": "By group: mean (median), or top shares",
    "data.more_categories": "+{n} more",
    "data.profile_missing": "The data profile was not recorded for this run: it was stored by an auditkit release "
    "before data profiles. Re-run the audit to record it.",
    "data.profile_unreadable": "The data profile stored with this run could not be read ({reason}).",
    "data.base_rates": "Favourable outcome ({label} = {value}) by {attribute}: {groups} ({level} confidence "
    "intervals); {verdict}",
    "data.base_rate": "{group} {rate} [{low}, {high}] (n = {n})",
    "data.rates_overlap": "the intervals overlap, so these data show no clear difference between the groups.",
    "data.rates_differ": "the intervals of {pairs} do not overlap, so their base rates differ.",
    "data.rates_single": "only one group has rows, so there is nothing to compare.",
    "data.pair": "{a} and {b}",
    "data.training_description": "Training data",
    "data.training_fingerprint": "Training data fingerprint",
    # --- 6 results ---
    "results.lead": "Each thresholded measurement is judged on its whole confidence interval: PASS only if the "
    "interval lies inside the tolerance, FAIL if it lies wholly outside, INCONCLUSIVE otherwise. p-values are "
    "adjusted over the whole report ({correction}) and shown next to the raw value.",
    "results.method": "Method.",
    "results.no_outcomes": "The run has no check outcomes.",
    "col.measurement": "Measurement",
    "col.group": "Group",
    "col.applies_to": "Applies to",
    "col.value": "Value",
    "col.ci": "Confidence interval",
    "col.ci_level": "{level} confidence interval",
    "col.threshold": "Threshold",
    "col.verdict": "Verdict",
    "col.n": "n",
    "col.p_raw": "p raw",
    "col.p_adj": "p adj.",
    "col.p_adjusted": "p adjusted",
    "check.severity": "severity: {severity}",
    "check.blocking": "BLOCKING",
    "check.ident": "check",
    "check.kind": "kind",
    "check.not_a_pass": "This check produced no verdict. It is not a pass.",
    "check.reason_error": "Could not be computed (ERROR)",
    "check.reason_skipped": "Not applicable (SKIPPED)",
    "check.no_reason": "no reason was recorded",
    "check.criteria": "Acceptance criteria:",
    "check.rationale": "Rationale:",
    "check.no_measurements": "No measurements were recorded for this check.",
    "check.params": "Parameters as run",
    "xcheck.agree": "Cross-check at {layer}: erasing {attribute} flips {erasure} [{erasure_low}, {erasure_high}] of "
                    "decisions; moving {attribute} and its proxies in the inputs ({check}, propagated, all value "
                    "pairs) flips {counterfactual} [{cf_low}, {cf_high}] of {pairs} pairs. The two interventions "
                    "agree within their intervals.",
    "xcheck.disagree": "Cross-check at {layer}: erasing {attribute} flips {erasure} [{erasure_low}, "
                       "{erasure_high}] of decisions, but moving {attribute} and its proxies in the inputs ({check}, "
                       "propagated, all value pairs) flips {counterfactual} [{cf_low}, {cf_high}] of {pairs} pairs: "
                       "the two interventions disagree beyond their intervals. Erasure removes all linear "
                       "information about {attribute} from the representation, including the proxies' variation "
                       "within each group; the counterfactual moves only the proxies it names, by a fitted mapping. "
                       "Read both verdicts with this in mind.",
    "check.reason_prefix": " Reason: {reason}",
    "chart.lower": "a lower limit (≥)",
    "chart.upper": "an upper limit (≤)",
    "chart.forest_title": "{check}: measurements with {kind}",
    "chart.forest_caption": "{check}: measurements with {kind}; each with its confidence interval (bar) and "
    "threshold (dashed).",
    "chart.value": "Value",
    "chart.other": "other",
    "chart.no_verdict": "no verdict",
    "chart.ci": "confidence interval",
    "chart.threshold": "threshold",
    "chart.whiskers": "whiskers",
    "no_rows": "No rows.",
    # --- actions for findings ---
    "action.FAIL": "Mitigate the cause and re-audit; release only with the residual risk accepted in sign-off.",
    "action.INCONCLUSIVE": "The interval straddles the threshold: collect more audit data for the affected "
    "groups, then re-audit. Do not read this as a pass.",
    "action.ERROR": "Fix the cause given in the reason and re-run the check; it produced no evidence.",
    "action.SKIPPED": "Confirm that the check does not apply to this system, or supply what it requires.",
    # --- 7 not assessed ---
    "na.absent": "Check families absent from the policy",
    "na.all_run": "Every standard check family was run.",
    "na.absent_group": "{check} ({kind}): declared in the policy but not present in the audit data, so not "
    "assessed: {groups}.",
    "na.outside": "Outside the scope of auditkit",
    "not_covered.cybersecurity": "Cybersecurity (Art. 15(5)): resilience against unauthorised attempts to alter "
    "use, outputs or performance, including data poisoning, model poisoning and confidentiality attacks — not "
    "assessed by auditkit.",
    "not_covered.adversarial": "Robustness to adversarial examples (Art. 15(5)): inputs crafted to cause mistakes "
    "— not assessed by auditkit; counterfactual sweeps change the protected attribute only.",
    "not_covered.robustness": "Robustness to errors, faults and inconsistencies, and feedback loops (Art. 15(4)) "
    "— not assessed by auditkit beyond the counterfactual sweeps, which change the protected attribute and its "
    "proxies only.",
    "not_covered.record_keeping": "Record-keeping by the system (Art. 12): whether it logs events over its "
    "lifetime (Art. 12(2)(a)–(c)) — not assessed by auditkit; the test log (Annex A) records this audit, not the "
    "system's operation.",
    "not_covered.automation_bias": "Awareness of automation bias among the persons who oversee the system "
    "(Art. 14(4)(b)) — an organisational measure, not assessed by auditkit; the attribution-method agreement says "
    "how far the explanations shown to them can be trusted.",
    "not_covered.qms": "The provider's quality management system (Art. 17) — not assessed by auditkit; this report "
    "is one of its controlled records (document control, revision history, sign-off).",
    "not_covered.training_data": "Data quality of the training data (Art. 10(2)(a)–(e)): design choices, "
    "collection and origin, preparation, assumptions and suitability of the training and validation sets — not "
    "assessed by auditkit, which sees the audit (test) data only.",
    # --- 8 findings ---
    "findings.col.subject": "Subject",
    "findings.col.severity": "Severity",
    "findings.col.action": "Required action",
    "findings.none": "No findings: every check passed.",
    "findings.residual": "Residual risk",
    "residual.open": "{n} finding(s) remain open, {blocking} of them blocking.",
    "residual.not_assessed": "{n} of the 5 standard check families and {m} standing items were not assessed "
    "(section 7); the risks they address are unquantified.",
    "residual.acceptance": "This report does not accept residual risk. Acceptance (Art. 9(5)) is the decision of "
    "the persons who sign in section 10.",
    # --- 9 changes ---
    "changes.previous_run": "Previous audit: run",
    "changes.of": "of",
    "changes.first": "No previous audit of this system was supplied; this report is treated as the first audit.",
    "changes.artefacts": "Artefacts and decision",
    "changes.col.item": "Item",
    "changes.col.previous_audit": "Previous audit",
    "changes.col.this_audit": "This audit",
    "changes.col.change": "Change",
    "changes.col.previous": "Previous",
    "changes.col.now": "Now",
    "changes.col.difference": "Difference",
    "changes.system_version": "System version",
    "changes.model_fp": "Model fingerprint",
    "changes.dataset_fp": "Dataset fingerprint",
    "changes.same": "same",
    "changes.changed": "CHANGED",
    "changes.status_table": "Check status, before → now",
    "changes.not_run": "not run",
    "changes.new": "new check",
    "changes.removed": "removed check",
    "changes.unchanged": "unchanged",
    "changes.status_changed": "status changed",
    "changes.measurements": "Thresholded measurements present in both audits",
    "changes.summary_changed": "Changed since the previous audit: {items}.",
    "changes.summary_same": "Model, data and policy are unchanged since the previous audit.",
    "changes.summary_new": "New checks: {ids}.",
    "changes.summary_removed": "Checks no longer run: {ids}.",
    "changes.summary_moved": "{n} check(s) changed status.",
    "changes.summary_none_moved": "No shared check changed status.",
    # trend charts of section 9 (auditkit.report.trend)
    "changes.trends": "Trend of the key metrics",
    "changes.trend_lead": "Each thresholded measurement of this audit across the stored audits of this system "
    "(at most the last {n}), oldest first: the value with its confidence interval per audit and the threshold "
    "in force at that audit (dashed).",
    "changes.trend_this": "this audit",
    "changes.trend_title": "{check}: {name} across audits",
    "changes.trend_caption": "{check}: {name} in {n} audits, each with its confidence interval; dashed: the "
    "threshold.",
    "changes.trend_more": "{n} further thresholded measurement(s) are not charted; see the tables above.",
    # --- 10 sign-off ---
    "signoff.lead": "Test reports must be dated and signed by the responsible persons (Annex IV 2(g)).",
    "signoff.col.name": "Name",
    "signoff.col.function": "Function",
    "signoff.col.role": "Role",
    "signoff.col.decision": "Decision",
    "signoff.col.time": "Time (UTC)",
    "signoff.col.report": "Report and its SHA-256",
    "signoff.record": "sign-off record",
    "signoff.note": "Sign-offs are appended to the results database and hash-chained: each record's SHA-256 "
    "covers the previous one. A sign-off refers to the report version and hash it approved; this report lists "
    "every sign-off recorded for the run when it was rendered.",
    "signoff.hint": "No sign-off recorded. Record one with "
    "`auditkit signoff RUN --by NAME --role ROLE --decision approve|reject`.",
    # --- annexes ---
    "annex.log_lead": "One line per check as it ran; test-log.jsonl (Annex C) holds the full fingerprints and the "
    "parameters.",
    "annex.log.kind": "Kind",
    "annex.log.version": "Ver.",
    "annex.log.fingerprint": "Fingerprint (start)",
    "annex.log.seed": "Seed",
    "annex.log.started": "Started (UTC)",
    "annex.log.duration": "Duration",
    "annex.policy_lead": "The policy exactly as stored with the run (SHA-256 in section 3).",
    "annex.policy_print": "The policy exactly as stored with the run ({lines} lines) is embedded in this PDF as "
    "policy.yaml (listed below; its SHA-256 is in section 3). Sections 2, 3 and 6 print what it states: the "
    "system and its context, every check with its thresholds and parameters, and each check's rationale. The HTML "
    "edition of this report shows the text in full.",
    "annex.manifest": "Attachment manifest",
    "annex.manifest_lead": ("Embedded in the PDF version of this report, with manifest.json (the SHA-256 of these "
                            "files, the model, the data and this report's HTML; its own hash cannot appear here) "
                            "and, when signed, manifest.sig and manifest.pub.pem. `auditkit verify` re-checks "
                            "them."),
    "annex.col.file": "File",
    "annex.col.content": "Content",
    "annex.col.size": "Size",
    "annex.col.sha": "SHA-256",
    "annex.trace.requirement": "Requirement",
    "annex.trace.demand": "Demand",
    "annex.trace.section": "Report section",
    "annex.trace.evidence": "Evidence",
    "annex.trace.status": "Coverage and status",
    "trace.coverage.tested": "tested",
    "trace.coverage.partly": "partly tested (rest: section 7)",
    "trace.coverage.documented": "documented",
    "trace.coverage.not_assessed": "not assessed",
    "annex.trace.absent": "7 Not assessed (no {kind} check)",
    "annex.colophon": "Generated by {generator} from stored run results. Report {report_id} {version}, {date}.",
    # --- check families (catalog.FAMILY_KINDS) ---
    "family.performance.title": "Performance and disaggregated accuracy",
    "family.performance.method": "Accuracy and error rates overall and per group, with Wilson intervals for "
    "proportions.",
    "family.performance.not_assessed": "Performance: not assessed — the policy has no performance check, so no "
    "evidence on the accuracy level overall or per group (Art. 13(3)(b)(ii),(v), Art. 15(1),(3)).",
    "family.group_fairness.title": "Group fairness",
    "family.group_fairness.method": "Disparities in selection and error rates between groups, with stratified "
    "bootstrap intervals, judged on the whole interval against the policy threshold.",
    "family.group_fairness.not_assessed": "Group fairness: not assessed — the policy has no group_fairness check, "
    "so no evidence on whether decisions or error rates differ between protected groups (Art. 10(2)(f)).",
    "family.prohibited_feature_use.title": "Prohibited-feature and proxy use",
    "family.prohibited_feature_use.method": "Probes show whether a protected attribute is encoded; interventions "
    "(erasure, counterfactuals) show whether it is used. The verdict rests on the intervention.",
    "family.prohibited_feature_use.not_assessed": "Prohibited-feature use: not assessed — the policy has no "
    "prohibited_feature_use check, so no evidence on whether the model encodes or uses a protected attribute or "
    "its proxies.",
    "family.attribution_agreement.title": "Attribution-method agreement",
    "family.attribution_agreement.method": "Agreement between explanation methods (rank correlation, top-k "
    "overlap) as a test of whether the explanations given to overseers can be trusted.",
    "family.attribution_agreement.not_assessed": "Attribution agreement: not assessed — the policy has no "
    "attribution_agreement check, so no evidence on whether the explanations shown to overseers are consistent "
    "(Art. 14(4)(c), Art. 86).",
    "family.counterfactual_sweep.title": "Counterfactual sweeps",
    "family.counterfactual_sweep.method": "Flip rates and score changes when only the protected attribute is "
    "changed, with intervals.",
    "family.counterfactual_sweep.not_assessed": "Counterfactual sweeps: not assessed — the policy has no "
    "counterfactual_sweep check, so no evidence on whether changing the protected attribute changes decisions.",
    "family.other.title": "Other checks",
    "family.other.method": "Checks of kinds outside the five standard families.",
    # --- Annex D: metric definitions (catalog.DEFINITION_IDS) ---
    "def.accuracy.term": "Accuracy",
    "def.accuracy.text": "Share of examples whose decision equals the true label: (TP + TN) / n.",
    "def.fpr.term": "False positive rate (FPR)",
    "def.fpr.text": "P(ŷ = 1 | y = 0): share of truly unfavourable cases decided favourably.",
    "def.fnr.term": "False negative rate (FNR)",
    "def.fnr.text": "P(ŷ = 0 | y = 1) = 1 − TPR: share of truly favourable cases refused.",
    "def.favourable.term": "Favourable decision",
    "def.favourable.text": "The model's decision the policy declares favourable to the person (e.g. a loan "
    "approved, a candidate shortlisted); ŷ = 1. The favourable outcome (y = 1) is the true outcome it should "
    "predict (e.g. the loan repaid).",
    "def.selection_rate.term": "Selection rate",
    "def.selection_rate.text": "P(ŷ = 1 | A = a): share of group a receiving the favourable decision.",
    "def.dp_difference.term": "Demographic parity difference",
    "def.dp_difference.text": "max over groups of the selection rate minus min over groups (fairlearn, method "
    "between_groups). 0 is parity.",
    "def.dp_ratio.term": "Demographic parity ratio",
    "def.dp_ratio.text": "min over groups of the selection rate divided by max over groups. 1 is parity.",
    "def.eo_difference.term": "Equalized odds difference",
    "def.eo_difference.text": "The larger of the between-group differences in TPR and in FPR (worst case). 0 is "
    "parity.",
    "def.eop_difference.term": "Equal opportunity difference",
    "def.eop_difference.text": "Between-group difference in TPR (the favourable label's recall) only.",
    "def.impact_ratio.term": "Four-fifths impact ratio",
    "def.impact_ratio.text": "Per group, selection rate divided by the highest group's selection rate; below 0.8 "
    "is evidence of adverse impact under the four-fifths rule (29 CFR 1607.4(D)).",
    "def.wilson.term": "Wilson interval",
    "def.wilson.text": "Score interval for a proportion k/n; stays inside [0, 1] and keeps its coverage for small "
    "groups and for rates near 0 or 1.",
    "def.bootstrap.term": "Stratified bootstrap",
    "def.bootstrap.text": "Resampling within each group (so no group vanishes from a resample); the interval is "
    "the percentile interval of the resampled statistic, invariant for ratio metrics.",
    "def.holm.term": "Holm correction",
    "def.holm.text": "Step-down family-wise correction: sort the m raw p-values; adjusted p̃(i) = max over j ≤ i "
    "of min(1, (m − j + 1) p(j)). Controls the family-wise error rate.",
    "def.bonferroni.term": "Bonferroni correction",
    "def.bonferroni.text": "Adjusted p = min(1, m p). Controls the family-wise error rate; more conservative than "
    "Holm.",
    "def.fdr_bh.term": "Benjamini–Hochberg (fdr_bh)",
    "def.fdr_bh.text": "Adjusted p̃(i) = min over j ≥ i of min(1, m p(j) / j). Controls the false discovery rate "
    "(screening, not confirmation).",
    "def.verdict.term": "Verdict rule",
    "def.verdict.text": "PASS only when the whole confidence interval lies inside the tolerance, FAIL when it lies "
    "wholly outside, INCONCLUSIVE otherwise. A point estimate alone is never compared with a threshold.",
    "def.status.term": "Status",
    "def.status.text": "What a check's run ended with: its verdict (PASS, FAIL, INCONCLUSIVE), or ERROR (could not "
    "be computed) or SKIPPED (not applicable). Only PASS is a pass.",
    "def.decisive.term": "Decisive, diagnostic",
    "def.decisive.text": "A decisive measurement is one the check's deciding rule read; a diagnostic one explains the "
    "result but did not decide it (Annex B).",
    "def.gate.term": "Gate decision",
    "def.gate.text": "The release decision drawn from the statuses: FAIL when a blocker-severity check failed, "
    "could not be computed or was inconclusive (as the policy's gate section says), PASS otherwise.",
    # --- Annex E: traceability (catalog.TRACE_ROWS) ---
    "trace.art9_8.demand": "Testing against prior defined metrics and probabilistic thresholds",
    "trace.art9_8.evidence": "Policy SHA-256 and effective date vs run start; thresholds per check",
    "trace.art9_2d.demand": "Risk management measures; residual risk judged acceptable",
    "trace.art9_2d.evidence": "Findings with required actions; sign-off decisions",
    "trace.art10_2f.demand": "Examination for biases, measures to detect them, data gaps",
    "trace.art10_2f.evidence": "Group sizes, groups below the minimum, disparity metrics with intervals",
    "trace.art13_3bv.demand": "Performance as regards specific persons or groups",
    "trace.art13_3bv.evidence": "Per-group accuracy and error rates with intervals",
    "trace.art15_1.demand": "Appropriate accuracy; accuracy metrics declared",
    "trace.art15_1.evidence": "Overall accuracy with interval vs the policy threshold",
    "trace.art15_5.demand": "Cybersecurity and adversarial robustness",
    "trace.art15_5.evidence": "Stated as not assessed",
    "trace.annex4_2g.demand": "Validation and testing procedures, metrics, dated and signed test logs",
    "trace.annex4_2g.evidence": "Environment, seeds, hashes, test log, sign-off table",
    "trace.annex4_6.demand": "Changes made to the system through its lifecycle; whether one is a substantial "
    "modification",
    "trace.annex4_6.evidence": "Fingerprint, threshold and status changes since the previous audit; trends",
    "trace.art12.demand": "Automatic recording of events over the system's lifetime",
    "trace.art12.evidence": "Stated as not assessed (the test log records this audit, not the system)",
    "trace.art14_4b.demand": "Overseers remain aware of automation bias",
    "trace.art14_4b.evidence": "How far the explanations shown to overseers can be trusted; the organisational "
    "measure is not assessed",
    "trace.art15_4.demand": "Robustness to errors, faults and inconsistencies; feedback loops",
    "trace.art15_4.evidence": "Decision stability when the protected attribute and its proxies change; the rest "
    "is not assessed",
    "trace.art17.demand": "Quality management: controlled records of verification and validation",
    "trace.art17.evidence": "Report ID, version, revision history, signature blocks and hash-chained sign-off",
    "trace.art14_4c.demand": "Overseers correctly interpret output with the interpretation tools available",
    "trace.art14_4c.evidence": "Agreement between attribution methods",
    "trace.art86.demand": "Clear and meaningful explanation of the main elements of a decision",
    "trace.art86.evidence": "Attribution agreement and counterfactual flip rates",
    "unit.pp": "pp",
    "outcome.not_run": "Not run: {reason}.",
    "outcome.error": "Could not be computed: {reason}",
    "findings.cause": "Common cause: {cause}",
    "findings.cause.feature": "the input {name}",
    "findings.cause.attribute": "the protected attribute {name}",
    "check.criterion_rule": "Decided by: {rule}",
    "outcome.error_note": "auditkit failed inside this check; please report it with the traceback in results.json.",
    "outcome.exit_note": (
        "Code called by this check (usually the model) raised a process-ending exception; it was stopped "
        "here so the run can finish and the gate cannot pass on it. Remove sys.exit() and similar calls "
        "from the model code."
    ),
    "spec.scale_fixed": "fixed to [{lo}, {hi}]",
    "spec.scale_data": "from the data",
    "spec.shade": "{label}, darker is higher",
    "spec.shade_diverging": "{label}, centred at 0: red below, blue above, darker further from 0",
    "spec.heatmap_caption": "{title}. Shading: {shade} (scale {scale}).",
    "spec.hatched": "Hatched cells (—) have no value.",
    "spec.values_omitted": "Cell values are omitted: the cells are too small to print them.",
    "spec.lines_caption": "{title}. Series differ in colour, dash pattern and marker.",
    "spec.bands": "Shaded bands: the interval from low to high.",
    "spec.references": "Dashed lines: reference values ({refs}).",
    "spec.unlabelled": "unlabelled",
    "spec.reference": "reference",
    "spec.interval": "interval from low to high",
    "spec.whiskers": "Whiskers: interval from low to high.",
    "spec.dashed": "Dashed line: {label}.",
    "spec.missing": "Without a value, not drawn: {labels}.",
    "spec.not_drawn": "chart could not be drawn: {reason}",
    "check.diagnostic": "diagnostic",
    "check.decisive_note": (
        "Measurements marked “diagnostic” did not enter the deciding rule; they are shown to explain it."
    ),
    "outcome.requires": "Not run: {kind} requires {abilities}, which the {adapter} does not provide.",
    "explain.gradient.unsupported": "the {adapter} does not provide gradients (SupportsGradients)",
    "explain.tree.unsupported": "the {adapter} does not expose its trees (SupportsTreeStructure)",
    "explain.tree.path_needs_logit": ("the libraries' own TreeSHAP decomposes the log-odds (raw margin) only; "
                                       "explain the logit (explained: logit)"),
    "explain.gradient.embedding_unused": (
        "the embedding layer did not run in the forward pass, so no gradients reach the tokens"
    ),
    "explain.gradient.no_graph": (
        "the model's score has no autograd graph back to its inputs (its forward pass detaches, rounds or"
        " leaves torch), so gradients cannot be taken"
    ),
    "explain.gradient.failed": "taking gradients through the model failed ({error})",
    "explain.gradient.not_differentiable": "the model's score does not depend differentiably on its inputs",
    "explain.gradient.not_finite": "the gradients of the model's score are not finite on the probe instances",
    "explain.gradient.zero": (
        "the gradients of the model's score are zero on every probe point (the instances, points on their"
        " paths from the baseline and background rows): the model is piecewise constant (rounding or "
        "thresholds inside) or saturated, so gradient methods would attribute nothing"
    ),
    "section.opinion": "Audit opinion",
    "opinion.lead": (
        "The decision this audit supports, the numbers that carry it and what has to happen next. The "
        "result sections (6) give the method and every number with its interval."
    ),
    "opinion.decision.release": "Release: {system} met every acceptance criterion of its policy.",
    "opinion.decision.conditions": (
        "Release with conditions: {system} met every blocking criterion, but findings remain that must be"
        " accepted or fixed."
    ),
    "opinion.decision.do_not_release": "Do not release: {system} fails at least one blocking criterion of its policy.",
    "opinion.decision.none": (
        "No decision: the audit of {system} did not finish, so no release decision can be taken from it."
    ),
    "opinion.numbers": "The numbers that carry it",
    "opinion.rates": (
        "How often each group gets the favourable decision, and how often the favourable outcome actually"
        " occurs in that group: {groups}."
    ),
    "opinion.group_rate": "{group}: decided favourably {rate}, favourable outcome {base}",
    "opinion.rates_profile": (
        "How often each group gets the favourable decision, and how often the favourable outcome actually occurs"
        " in that group (in brackets: the range that holds it with {level} confidence): {groups}. {verdict}"
    ),
    "opinion.group_base": "{group}: decided favourably {rate}, favourable outcome {base} ({low} to {high})",
    "opinion.base_rates": (
        "How often the favourable outcome actually occurs in each group (in brackets: the range that holds it with"
        " {level} confidence): {groups}. {verdict}"
    ),
    "opinion.group_base_only": "{group}: {base} ({low} to {high})",
    "opinion.base_overlap": (
        "The ranges overlap: the data show no clear difference between the groups in how often the favourable"
        " outcome occurs."
    ),
    "opinion.base_differ": (
        "The ranges of {pairs} do not overlap: the favourable outcome occurs at different rates in these groups."
    ),
    "opinion.number": "{name}: {value} ({interval}); {limit}. {verdict}",
    "opinion.interval": "{level} confidence: {low} to {high}",
    "opinion.limit_max": "the policy allows at most {limit}",
    "opinion.limit_min": "the policy requires at least {limit}",
    "opinion.verdict.FAIL": "This criterion is not met.",
    "opinion.verdict.PASS": "This criterion is met.",
    "opinion.verdict.INCONCLUSIVE": "The data cannot tell whether this criterion is met.",
    "opinion.verdict.ERROR": "This criterion could not be judged.",
    "opinion.verdict.SKIPPED": "This criterion was not assessed.",
    "opinion.causes": "Root cause",
    "opinion.cause": "{cause} is behind findings {refs}.",
    "opinion.causes_none": "The evidence names no root cause shared by several findings.",
    "opinion.conditions": "Conditions for release",
    "opinion.condition_fix": "Fix and re-audit {ref} ({title}).",
    "opinion.condition_accept": "Fix {ref} ({title}), or accept it in writing in the sign-off.",
    "opinion.conditions_none": "None.",
    "opinion.override": "Overriding a blocking finding",
    "opinion.override_roles": (
        "Only a sign-off in the role {roles} may release the system despite a blocking finding (policy "
        "gate.override_roles); the sign-off records who did and why."
    ),
    "opinion.override_none": (
        "No one may release the system despite a blocking finding: the policy names no role for it "
        "(gate.override_roles)."
    ),
    "opinion.signoff_title": "Sign-off",
    "opinion.signoff": "Latest sign-off: {name} ({role}), {decision}, {date}.",
    "opinion.signoff_none": "Not signed off yet (section 10).",
    "opinion.signoff_decision.approve": "approved",
    "opinion.signoff_decision.reject": "rejected",
    "opinion.residual_title": "Residual risk",
    "opinion.residual": (
        "This audit tests what its policy asks and nothing else (section 7 lists what was not assessed); "
        "accepting the residual risk (Art. 9(5)) is the decision of the people who sign section 10."
    ),
    "opinion.measure.performance.accuracy": "Share of correct decisions",
    "opinion.measure.performance.selection_rate": "Share of favourable decisions",
    "opinion.measure.group_fairness.demographic_parity_difference": "Gap in favourable decisions between groups",
    "opinion.measure.group_fairness.demographic_parity_ratio": (
        "Favourable decisions of the least favoured group relative to the most favoured"
    ),
    "opinion.measure.group_fairness.equalized_odds_difference": (
        "Largest gap between groups in how often the model is right about deserving and undeserving cases"
    ),
    "opinion.measure.group_fairness.equal_opportunity_difference": (
        "Gap between groups in how often deserving cases are decided favourably"
    ),
    "opinion.measure.prohibited_feature_use.sae_ablation_flip_rate": (
        "Decisions that change when the model's internal features that track the protected attribute are switched off"
    ),
    "opinion.measure.prohibited_feature_use.erasure_flip_rate": (
        "Decisions that change when the protected attribute is removed from what the model computes"
    ),
    "opinion.measure.prohibited_feature_use.input_counterfactual_flip_rate": (
        "Decisions that change when the protected attribute and the inputs that carry it are changed"
    ),
    "opinion.measure.counterfactual_sweep.flip_rate": (
        "Decisions that change for the same applicant when only the protected attribute (and what carries"
        " it) changes"
    ),
    "opinion.measure.counterfactual_sweep.mean_abs_change": (
        "Average change of the model's score for the same applicant when only the protected attribute "
        "changes"
    ),
    "findings.register_lead": (
        "One row per finding, blocking first, then by severity. The evidence column points to the result "
        "section; the owner and due date come from the check's entry in the policy (owner, "
        "remediation_days)."
    ),
    "findings.col.status": "Status and severity",
    "findings.col.evidence": "Evidence",
    "findings.col.owner": "Owner and due date",
    "findings.col.cause": "Root cause",
    "findings.col.register": "In the register",
    "findings.section": "section {number}",
    "findings.due": "due",
    "findings.see_register": "{ref} in section 8",
    "section.annex-b": "Annex B. Diagnostics per check",
    "annex.diagnostics_lead": (
        "What each check measured beyond the numbers its verdict rests on: the measurements its deciding "
        "rule did not read, further charts, the detailed tables, notes and the parameters it ran with. "
        "Each block links back to its result section. A chart that only pictures a table of its block (a heat "
        "map of the pair table, a curve of the per-layer table) is shown in the HTML edition; on paper the table "
        "carries its numbers."
    ),
    "findings.remediation": "Remediation options (Art. 10(2)(g))",
    "findings.remediation_lead": "What the audit's own interventions show a remedy would do, with intervals and "
    "caveats: evidence for choosing a measure, not a measure taken.",
    "check.to_diagnostics": "Diagnostic measurements, detailed tables and parameters: Annex B",
    "check.back_to_result": "back to the result",
    "check.diagnostic_measurements": "Measurements the deciding rule did not read (diagnostic)",
    "check.meaning": "What it means:",
    "signoff.block.prepared": "Prepared by",
    "signoff.block.reviewed": "Reviewed by",
    "signoff.block.approved": "Approved by",
    "signoff.statement.prepared": "I prepared this audit as stated in sections 3 and 4.",
    "signoff.statement.reviewed": "I reviewed this report independently of the development of the audited model.",
    "signoff.statement.approved": (
        "I decide on release as stated, independently of the development of the audited model, and accept"
        " the residual risk named in section 8."
    ),
    "signoff.col.signature": "Signature",
    "revision.signed": "signed off by {name} ({role}): {decision}, {time}",
    "revision.this": "this version, rendered {date}, showing {n} sign-off(s)",
    "doc.revisions": "Revision history of this run's report",
    "cover.latest_signoff": "Latest sign-off: {name} ({role}), {decision}, {time}",
    # --- the HTML report on screen (navigation, table filter and sort, collapsible annexes; report.js) ---
    "screen.nav": "Report navigation",
    "screen.filter": "Filter rows",
    "screen.filter_placeholder": "Filter rows…",
    "screen.rows_shown": "{shown} of {total} rows",
    "screen.sort": "Click to sort by this column",
    "screen.show": "show",
    "screen.hide": "hide",
    "screen.expand_all": "Expand all",
    "screen.collapse_all": "Collapse annexes",
    "fmt.reference": "reference group",
}
