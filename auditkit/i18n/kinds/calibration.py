"""Messages of the ``calibration`` check (summaries, rules, table, chart, notes, findings), English and German."""

MESSAGES = {
    "en": {
        "calibration.measure.ece": "expected calibration error (ECE)",
        "calibration.rule.every_group_within_tolerance": (
            "Calibrated: the whole {level} bootstrap interval of the debiased ECE lies at or below {tolerance}, "
            "{scope}"
        ),
        "calibration.rule.group_beyond_tolerance": (
            "Miscalibrated when the whole {level} bootstrap interval of the debiased ECE lies above {tolerance}; "
            "judged {scope}"
        ),
        "calibration.rule.interval_straddles_tolerance": (
            "Undecided when no {level} bootstrap interval of the debiased ECE lies wholly above {tolerance} but "
            "at least one includes it; judged {scope}"
        ),
        "calibration.rule.declared_group_absent": (
            "Every group declared in the policy must be present in the data (absent: {groups}); without it the "
            "check cannot pass, even though no {level} interval of the ECE lies wholly above {tolerance}; judged "
            "{scope}"
        ),
        "calibration.rule.groups_too_small": (
            "Calibration is judged per group of {attributes}, {scope}; no group has that many rows, so the "
            "tolerance {tolerance} cannot be judged"
        ),
        "calibration.scope.overall": "over all rows",
        "calibration.scope.groups": "in every group with at least {min_size} rows",
        "calibration.for_group": "{measure} for {group}",
        "calibration.overall": "all rows",
        "calibration.summary.overall": (
            "Overall expected calibration error {value} [{ci_low}, {ci_high}] on {n} rows (tolerance "
            "{tolerance})."
        ),
        "calibration.summary.pass": (
            "All {count} judged intervals lie at or below {tolerance}: the score means the same probability "
            "of the favourable outcome in every group judged."
        ),
        "calibration.summary.fail": (
            "{measure} {value} [{ci_low}, {ci_high}] lies wholly above the tolerance {tolerance}: the score "
            "does not mean the same probability of the favourable outcome for this group."
        ),
        "calibration.summary.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] cannot be separated from the tolerance {tolerance}; more "
            "rows are needed to decide it."
        ),
        "calibration.summary.absent": (
            "Group not present in the data: {groups} (declared in the policy), so its calibration is not "
            "assessed."
        ),
        "calibration.summary.too_small": (
            "No group has {min_size} rows, so calibration per group cannot be judged."
        ),
        "calibration.note.estimator": (
            "ECE over {bins} equal-mass bins of the favourable-class score, debiased for the noise of each "
            "bin's observed rate (Kumar et al. 2019); the interval is a bootstrap over {resamples} resamples "
            "of each group's rows, centred on the debiased estimate. The plug-in ECE (shown for comparison) "
            "overstates the error of small groups."
        ),
        "calibration.note.small_groups": (
            "Groups below min_group_size {min_size} are reported but not judged: {groups}."
        ),
        "calibration.note.absent": "Declared in the policy but not present in the data, so not assessed: {groups}.",
        "calibration.table.by_group": "Calibration by group",
        "calibration.col.group": "group",
        "calibration.col.n": "n",
        "calibration.col.base_rate": "favourable base rate",
        "calibration.col.mean_score": "mean score",
        "calibration.col.ece": "ECE (debiased)",
        "calibration.col.ci_low": "{level} CI low",
        "calibration.col.ci_high": "{level} CI high",
        "calibration.col.plugin_ece": "ECE (plug-in)",
        "calibration.col.status": "verdict",
        "calibration.chart.title": "Reliability diagram",
        "calibration.chart.x_label": "mean predicted probability in the bin",
        "calibration.chart.y_label": "observed favourable rate",
        "calibration.chart.diagonal": "perfect calibration",
        "calibration.finding.beyond": (
            "Miscalibrated: {measure} {value} [{ci_low}, {ci_high}] lies wholly above the tolerance "
            "{tolerance}. Recalibrate the score for this group, or do not read it as a probability."
        ),
        "calibration.finding.straddles": (
            "Undecided: {measure} {value} [{ci_low}, {ci_high}] cannot be separated from the tolerance "
            "{tolerance}; more rows are needed to decide it."
        ),
        "calibration.finding.too_small": (
            "Calibration per group of {attributes} is not assessed: no group has {min_size} rows."
        ),
        "calibration.finding.absent": (
            "Declared groups absent from the audit data: {groups}; their calibration is not assessed. Add rows "
            "of these groups, or remove the values from protected_attributes[].values if they cannot occur."
        ),
        "calibration.meaning.overall": (
            "Read as the chance of a favourable outcome, the model's scores are off by {value} on average "
            "({level} confidence: {ci_low} to {ci_high}): that is how far the outcomes people actually had differ "
            "from what their scores predicted."
        ),
        "calibration.meaning.fail": (
            "In {whom} they are off by {value} ({level} confidence: {ci_low} to {ci_high}), more than the "
            "{tolerance} the policy tolerates: for these people a score does not mean what it says, and decisions "
            "or explanations that rely on it can mislead."
        ),
        "calibration.meaning.pass": (
            "Even the upper end is within the policy's tolerance of {tolerance}: a score means, up to that "
            "tolerance, the chance it states. This was judged on the audit data as a whole, not group by group."
        ),
        "calibration.meaning.pass_groups": (
            "In every group large enough to judge, even the upper end is within the policy's tolerance of "
            "{tolerance}: up to that tolerance, a score means the same chance whichever group a person belongs "
            "to."
        ),
        "calibration.meaning.inconclusive": (
            "In {whom} they are off by {value}, but with {level} confidence anywhere from {ci_low} to {ci_high}, "
            "on both sides of the policy's tolerance of {tolerance}: the audit data cannot tell whether the "
            "scores are reliable enough there; more people would decide it."
        ),
        "calibration.meaning.absent": (
            "The audit data hold no one of the group(s) {groups}, which the policy names, so they cannot tell "
            "whether scores mean the same for them."
        ),
        "calibration.meaning.too_small": (
            "No group of {attributes} has {min_size} or more people in the audit data, so they cannot tell "
            "whether scores mean the same across groups."
        ),
        "calibration.meaning.whom.overall": "the audit data as a whole",
        "calibration.meaning.whom.group": "the group {group}",
    },
    "de": {
        "calibration.measure.ece": "erwarteter Kalibrierungsfehler (ECE)",
        "calibration.rule.every_group_within_tolerance": (
            "Kalibriert: Das ganze {level}-Bootstrap-Intervall des bias-korrigierten ECE liegt bei höchstens "
            "{tolerance}, {scope}"
        ),
        "calibration.rule.group_beyond_tolerance": (
            "Nicht kalibriert, wenn das ganze {level}-Bootstrap-Intervall des bias-korrigierten ECE über "
            "{tolerance} liegt; beurteilt {scope}"
        ),
        "calibration.rule.interval_straddles_tolerance": (
            "Unentschieden, wenn kein {level}-Bootstrap-Intervall des bias-korrigierten ECE ganz über "
            "{tolerance} liegt, aber mindestens eines die Toleranz einschließt; beurteilt {scope}"
        ),
        "calibration.rule.declared_group_absent": (
            "Jede in der Prüfrichtlinie deklarierte Gruppe muss in den Daten vorhanden sein (fehlend: {groups}); ohne "
            "sie kann die Prüfung nicht bestehen, auch wenn kein {level}-Intervall des ECE ganz über "
            "{tolerance} liegt; beurteilt {scope}"
        ),
        "calibration.rule.groups_too_small": (
            "Die Kalibrierung wird je Gruppe von {attributes} beurteilt, {scope}; keine Gruppe hat so viele "
            "Zeilen, daher kann die Toleranz {tolerance} nicht beurteilt werden"
        ),
        "calibration.scope.overall": "über alle Zeilen",
        "calibration.scope.groups": "in jeder Gruppe mit mindestens {min_size} Zeilen",
        "calibration.for_group": "{measure} für {group}",
        "calibration.overall": "alle Zeilen",
        "calibration.summary.overall": (
            "Erwarteter Kalibrierungsfehler insgesamt {value} [{ci_low}, {ci_high}] bei {n} Zeilen (Toleranz "
            "{tolerance})."
        ),
        "calibration.summary.pass": (
            "Alle {count} beurteilten Intervalle liegen bei höchstens {tolerance}: Der Score bedeutet in jeder "
            "beurteilten Gruppe dieselbe Wahrscheinlichkeit des günstigen Ergebnisses."
        ),
        "calibration.summary.fail": (
            "{measure} {value} [{ci_low}, {ci_high}] liegt ganz über der Toleranz {tolerance}: Der Score "
            "bedeutet für diese Gruppe nicht dieselbe Wahrscheinlichkeit des günstigen Ergebnisses."
        ),
        "calibration.summary.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] ist von der Toleranz {tolerance} statistisch nicht zu "
            "unterscheiden; für eine Entscheidung sind mehr Zeilen nötig."
        ),
        "calibration.summary.absent": (
            "Gruppe nicht in den Daten vorhanden: {groups} (in der Prüfrichtlinie deklariert), daher wird ihre "
            "Kalibrierung nicht bewertet."
        ),
        "calibration.summary.too_small": (
            "Keine Gruppe hat {min_size} Zeilen, daher kann die Kalibrierung je Gruppe nicht beurteilt werden."
        ),
        "calibration.note.estimator": (
            "ECE über {bins} gleich besetzte Klassen des Scores der günstigen Klasse, bereinigt um das "
            "Rauschen der beobachteten Quote jeder Klasse (Kumar et al. 2019); das Intervall ist ein "
            "Bootstrap über {resamples} Ziehungen der Zeilen jeder Gruppe, zentriert auf den bereinigten "
            "Schätzwert. Der unbereinigte ECE (zum Vergleich angegeben) überschätzt den Fehler kleiner Gruppen."
        ),
        "calibration.note.small_groups": (
            "Gruppen unter min_group_size {min_size} werden aufgeführt, aber nicht beurteilt: {groups}."
        ),
        "calibration.note.absent": (
            "In der Prüfrichtlinie deklariert, aber nicht in den Daten vorhanden und daher nicht bewertet: {groups}."
        ),
        "calibration.table.by_group": "Kalibrierung nach Gruppe",
        "calibration.col.group": "Gruppe",
        "calibration.col.n": "n",
        "calibration.col.base_rate": "Basisrate (günstiges Label)",
        "calibration.col.mean_score": "mittlerer Score",
        "calibration.col.ece": "ECE (bereinigt)",
        "calibration.col.ci_low": "{level}-KI unten",
        "calibration.col.ci_high": "{level}-KI oben",
        "calibration.col.plugin_ece": "ECE (unbereinigt)",
        "calibration.col.status": "Urteil",
        "calibration.chart.title": "Kalibrierungsdiagramm",
        "calibration.chart.x_label": "mittlere vorhergesagte Wahrscheinlichkeit der Klasse",
        "calibration.chart.y_label": "beobachtete Quote des günstigen Ergebnisses",
        "calibration.chart.diagonal": "perfekte Kalibrierung",
        "calibration.finding.beyond": (
            "Nicht kalibriert: {measure} {value} [{ci_low}, {ci_high}] liegt ganz über der Toleranz "
            "{tolerance}. Kalibrieren Sie den Score für diese Gruppe neu oder lesen Sie ihn nicht als "
            "Wahrscheinlichkeit."
        ),
        "calibration.finding.straddles": (
            "Nicht entschieden: {measure} {value} [{ci_low}, {ci_high}] ist von der Toleranz {tolerance} "
            "statistisch nicht zu unterscheiden; für eine Entscheidung sind mehr Zeilen nötig."
        ),
        "calibration.finding.too_small": (
            "Die Kalibrierung je Gruppe von {attributes} wird nicht bewertet: Keine Gruppe hat {min_size} "
            "Zeilen."
        ),
        "calibration.finding.absent": (
            "Deklarierte Gruppen fehlen in den Auditdaten: {groups}; ihre Kalibrierung wird nicht bewertet. "
            "Ergänzen Sie Zeilen dieser Gruppen oder entfernen Sie die Werte aus "
            "protected_attributes[].values, wenn sie nicht vorkommen können."
        ),
        "calibration.meaning.overall": (
            "Als Wahrscheinlichkeit eines günstigen Ergebnisses gelesen, weichen die Scores des Modells im Mittel "
            "um {value} ab (Konfidenz {level}: {ci_low} bis {ci_high}): So weit liegen die tatsächlichen "
            "Ergebnisse der Personen von dem entfernt, was ihre Scores vorhersagten."
        ),
        "calibration.meaning.fail": (
            "In {whom} weichen sie um {value} ab (Konfidenz {level}: {ci_low} bis {ci_high}), mehr als die "
            "{tolerance}, die die Prüfrichtlinie toleriert: Für diese Personen bedeutet ein Score nicht, was er "
            "angibt, "
            "und Entscheidungen oder Erklärungen, die sich auf ihn stützen, können in die Irre führen."
        ),
        "calibration.meaning.pass": (
            "Selbst die obere Grenze liegt innerhalb der Toleranz der Prüfrichtlinie von {tolerance}: Bis auf diese "
            "Toleranz bedeutet ein Score die Wahrscheinlichkeit, die er angibt. Beurteilt wurden die Prüfdaten "
            "insgesamt, nicht Gruppe für Gruppe."
        ),
        "calibration.meaning.pass_groups": (
            "In jeder Gruppe, die groß genug für ein Urteil ist, liegt selbst die obere Grenze innerhalb der "
            "Toleranz der Prüfrichtlinie von {tolerance}: Bis auf diese Toleranz bedeutet ein Score dieselbe "
            "Wahrscheinlichkeit, gleich welcher Gruppe eine Person angehört."
        ),
        "calibration.meaning.inconclusive": (
            "In {whom} weichen sie um {value} ab, mit einer Konfidenz von {level} aber irgendwo zwischen {ci_low} "
            "und {ci_high}, also auf beiden Seiten der Toleranz der Prüfrichtlinie von {tolerance}: Die Prüfdaten "
            "können "
            "nicht zeigen, ob die Scores dort verlässlich genug sind; mehr Personen würden es entscheiden."
        ),
        "calibration.meaning.absent": (
            "Die Prüfdaten enthalten niemanden aus der Gruppe bzw. den Gruppen {groups}, die die Prüfrichtlinie nennt; "
            "ob "
            "Scores für diese Personen dasselbe bedeuten, lässt sich daher nicht sagen."
        ),
        "calibration.meaning.too_small": (
            "Keine Gruppe von {attributes} hat in den Prüfdaten {min_size} oder mehr Personen; ob Scores in allen "
            "Gruppen dasselbe bedeuten, lässt sich daher nicht sagen."
        ),
        "calibration.meaning.whom.overall": "den Prüfdaten insgesamt",
        "calibration.meaning.whom.group": "der Gruppe {group}",
    },
}
