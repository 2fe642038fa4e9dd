"""Messages of the ``performance`` check (summaries, rules, tables, notes, findings), English and German."""

MESSAGES = {
    "en": {
        "performance.measure.accuracy": "accuracy",
        "performance.measure.selection_rate": "selection rate",
        "performance.measure.tpr": "true positive rate",
        "performance.measure.fpr": "false positive rate",
        "performance.measure.fnr": "false negative rate",
        "performance.measure.roc_auc": "ROC AUC",
        "performance.measure.gini": "Gini coefficient",
        "performance.overall": "overall",
        "performance.summary.auc": (
            "Discrimination of the score: ROC AUC {value} [{ci_low}, {ci_high}], Gini {gini} "
            "[{gini_low}, {gini_high}]."
        ),
        "performance.summary.auc_undefined": (
            "ROC AUC is undefined: the audit data hold rows of one true label only."
        ),
        "performance.note.auc": (
            "ROC AUC: the probability that a row with the favourable true label scores higher than a row with "
            "the unfavourable one (ties count half); Gini = 2·AUC − 1. Both with {level} DeLong intervals, "
            "overall and per group, shown for information: no threshold reads them."
        ),
        "performance.note.auc_separated": (
            "The true labels are completely separated by the score, or one of them has a single row, in: "
            "{groups}. DeLong's interval has zero width there, so Newcombe's score interval is shown instead."
        ),
        "performance.note.auc_undefined": "ROC AUC is undefined (rows of one true label only) for: {groups}.",
        "performance.note.confusion": (
            "TP, FP, TN, FN: rows by decision and true label, the favourable outcome counting as positive "
            "(TP: favourable decision and favourable true label; FP: favourable decision, unfavourable true "
            "label; TN and FN likewise for unfavourable decisions)."
        ),
        "performance.chart.scores": "Score distribution by group",
        "performance.chart.score": "score (probability of the favourable outcome)",
        "performance.chart.share": "share of group (%)",
        "performance.chart.decision_threshold": "decision threshold",
        "performance.chart.all_rows": "all rows",
        "performance.rule.interval_inside_limit": (
            "Every threshold ({limits}) is met on the whole {level} Wilson interval of its rate; rates "
            "are judged {scope}"
        ),
        "performance.rule.interval_beyond_limit": (
            "A rate fails when its whole {level} Wilson interval lies beyond its threshold ({limits}); "
            "rates are judged {scope}"
        ),
        "performance.rule.interval_straddles_limit": (
            "Undecided when no {level} Wilson interval lies wholly beyond its threshold but at least one "
            "includes it ({limits}); rates are judged {scope}"
        ),
        "performance.rule.declared_group_absent": (
            "With per-group thresholds ({limits}), every group declared in the policy must be present in "
            "the data (absent: {groups}); without it the check cannot pass, even though no {level} Wilson"
            " interval lies wholly beyond its threshold; rates are judged {scope}"
        ),
        "performance.scope.overall": "overall",
        "performance.scope.groups": "overall and in every group with at least {min_size} rows",
        "performance.for_group": "{measure} for {group}",
        "performance.limit.min": ">= {threshold}",
        "performance.limit.max": "<= {threshold}",
        "performance.metric_limit": "{measure} {limit}",
        "performance.summary.overall": "Overall accuracy {value} [{ci_low}, {ci_high}] on {n} examples; {clause}.",
        "performance.clause.all_met": "every threshold is met on its whole interval",
        "performance.clause.breaches": "{measure} {value} [{ci_low}, {ci_high}] breaches the limit {limit}",
        "performance.clause.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] cannot be separated from the limit {limit}"
        ),
        "performance.clause.and_more": "{clause} (and {n} more)",
        "performance.summary.absent": (
            "Group not present in the data: {groups} (declared in the policy), so its per-group "
            "thresholds are not assessed."
        ),
        "performance.note.small_groups": (
            "Groups below min_group_size {min_size} are reported but not judged: {groups}."
        ),
        "performance.note.absent": "Declared in the policy but not present in the data, so not assessed: {groups}.",
        "performance.note.absent_judged": (
            "Declared in the policy but not present in the data, so not assessed: {groups}. The per-group"
            " thresholds cannot be judged for them."
        ),
        "performance.power.statement": (
            "Power for {measure}: with {n} rows, the smallest distance from the limit detectable (α = "
            "{alpha}, power 0.8) is {mde}; {decide}."
        ),
        "performance.power.decide": "about {rows} rows would decide it against the limit {limit}",
        "performance.power.decide_group": "about {rows} rows in that group would decide it against the limit {limit}",
        "performance.power.undecidable": "no number of rows decides it: the estimate sits on the limit {limit}",
        "performance.table.by_group": "Performance by group",
        "performance.col.group": "group",
        "performance.col.n": "n",
        "performance.col.tp": "TP",
        "performance.col.fp": "FP",
        "performance.col.tn": "TN",
        "performance.col.fn": "FN",
        "performance.col.base_rate": "favourable base rate",
        "performance.col.selection_rate": "selection rate",
        "performance.col.accuracy": "accuracy",
        "performance.col.tpr": "TPR",
        "performance.col.fpr": "FPR",
        "performance.col.fnr": "FNR",
        "performance.col.large_enough": "n ≥ {min_size}",
        "performance.finding.breaches": (
            "Limit breached: {measure} {value} [{ci_low}, {ci_high}] lies wholly beyond the limit "
            "{limit}."
        ),
        "performance.finding.straddles": (
            "Undecided: {measure} {value} [{ci_low}, {ci_high}] cannot be separated from the limit "
            "{limit}; more rows are needed to decide it."
        ),
        "performance.finding.undefined": (
            "Undecided: {measure} is undefined (no rows with the true label it needs), so the limit "
            "{limit} cannot be judged."
        ),
        "performance.finding.absent": (
            "Declared groups absent from the audit data: {groups}; their per-group thresholds are not "
            "assessed. Add rows of these groups, or remove the values from protected_attributes[].values "
            "if they cannot occur."
        ),
        "performance.meaning.accuracy": (
            "The model decides correctly for {value} of the people in the audit data ({level} confidence: "
            "{ci_low} to {ci_high})."
        ),
        "performance.meaning.accuracy_groups": (
            "The model decides correctly for {value} of the people in the audit data ({level} confidence: "
            "{ci_low} to {ci_high}); by group: {groups}."
        ),
        "performance.meaning.group_value": "{group} {value}",
        "performance.meaning.fail": (
            "In the audit data, {measure} is {value} ({level} confidence: {ci_low} to {ci_high}), while the "
            "policy requires {limit}: the model falls short of the policy's standard, and by more than chance in "
            "the audit sample explains."
        ),
        "performance.meaning.pass": (
            "Every rate the policy sets is within its tolerance; the closest to its limit, {measure}, is {value} "
            "({level} confidence: {ci_low} to {ci_high}; the policy requires {limit}). This says the model meets "
            "the policy's standard on the audit data, not that every decision is right."
        ),
        "performance.meaning.inconclusive": (
            "In the audit data, {measure} is {value}, but with {level} confidence it lies anywhere from {ci_low} "
            "to {ci_high}, on both sides of the policy's limit ({limit}): the audit data cannot tell whether the "
            "model meets the policy's standard here; more people would decide it."
        ),
        "performance.meaning.absent": (
            "The audit data hold no one of the group(s) {groups}, which the policy names, so they cannot tell "
            "whether the model meets the policy's standard for them."
        ),
        "performance.meaning.undefined": (
            "The audit data cannot give {measure} (there is no one to count), so they cannot tell whether the "
            "policy's limit is met."
        ),
        "performance.meaning.limit.min": "at least {threshold}",
        "performance.meaning.limit.max": "at most {threshold}",
        "performance.meaning.for_group": "{measure} in the group {group}",
        "performance.meaning.measure.accuracy": "the share of people decided correctly",
        "performance.meaning.measure.selection_rate": "the share of people who receive the favourable decision",
        "performance.meaning.measure.tpr": (
            "the share of people with a favourable actual outcome who receive the favourable decision"
        ),
        "performance.meaning.measure.fpr": (
            "the share of people with an unfavourable actual outcome who still receive the favourable decision"
        ),
        "performance.meaning.measure.fnr": (
            "the share of people with a favourable actual outcome who are refused the favourable decision"
        ),
        "performance.meaning.measure.roc_auc": "how well the model's scores rank people by their actual outcome",
        "performance.meaning.measure.gini": "how well the model's scores rank people by their actual outcome",
    },
    "de": {
        "performance.measure.accuracy": "Genauigkeit",
        "performance.measure.selection_rate": "Auswahlrate",
        "performance.measure.tpr": "Richtig-Positiv-Rate",
        "performance.measure.fpr": "Falsch-Positiv-Rate",
        "performance.measure.fnr": "Falsch-Negativ-Rate",
        "performance.measure.roc_auc": "ROC-AUC",
        "performance.measure.gini": "Gini-Koeffizient",
        "performance.overall": "insgesamt",
        "performance.summary.auc": (
            "Trennschärfe des Scores: ROC-AUC {value} [{ci_low}, {ci_high}], Gini {gini} "
            "[{gini_low}, {gini_high}]."
        ),
        "performance.summary.auc_undefined": (
            "Die ROC-AUC ist nicht definiert: Die Auditdaten enthalten nur Zeilen eines wahren Labels."
        ),
        "performance.note.auc": (
            "ROC-AUC: die Wahrscheinlichkeit, dass eine Zeile mit günstigem wahrem Label einen höheren Score "
            "erhält als eine Zeile mit ungünstigem (Gleichstände zählen halb); Gini = 2·AUC − 1. Beide mit "
            "{level}-DeLong-Intervallen, insgesamt und je Gruppe; sie dienen der Information, keine Grenze "
            "beurteilt sie."
        ),
        "performance.note.auc_separated": (
            "Der Score trennt die wahren Labels vollständig, oder eines davon hat nur eine Zeile, in: {groups}. "
            "Das DeLong-Intervall hat dort die Breite null; gezeigt wird stattdessen Newcombes Score-Intervall."
        ),
        "performance.note.auc_undefined": (
            "Die ROC-AUC ist nicht definiert (nur Zeilen eines wahren Labels) für: {groups}."
        ),
        "performance.note.confusion": (
            "RP, FP, RN, FN: Zeilen nach Entscheidung und wahrem Label, das günstige Ergebnis zählt als positiv "
            "(RP: günstige Entscheidung bei günstigem wahrem Label; FP: günstige Entscheidung bei ungünstigem "
            "wahrem Label; RN und FN entsprechend für ungünstige Entscheidungen)."
        ),
        "performance.chart.scores": "Score-Verteilung nach Gruppe",
        "performance.chart.score": "Score (Wahrscheinlichkeit des günstigen Ergebnisses)",
        "performance.chart.share": "Anteil der Gruppe (%)",
        "performance.chart.decision_threshold": "Entscheidungsschwelle",
        "performance.chart.all_rows": "alle Zeilen",
        "performance.rule.interval_inside_limit": (
            "Jede Grenze ({limits}) wird auf dem ganzen {level}-Wilson-Intervall ihrer Quote eingehalten;"
            " beurteilt werden die Quoten {scope}"
        ),
        "performance.rule.interval_beyond_limit": (
            "Eine Quote besteht nicht, wenn ihr ganzes {level}-Wilson-Intervall jenseits ihrer Grenze "
            "liegt ({limits}); beurteilt werden die Quoten {scope}"
        ),
        "performance.rule.interval_straddles_limit": (
            "Unentschieden, wenn kein {level}-Wilson-Intervall ganz jenseits seiner Grenze liegt, aber "
            "mindestens eines die Grenze einschließt ({limits}); beurteilt werden die Quoten {scope}"
        ),
        "performance.rule.declared_group_absent": (
            "Bei gruppenweisen Grenzen ({limits}) muss jede in der Prüfrichtlinie deklarierte Gruppe in den Daten"
            " vorhanden sein (fehlend: {groups}); ohne sie kann die Prüfung nicht bestehen, auch wenn "
            "kein {level}-Wilson-Intervall ganz jenseits seiner Grenze liegt; beurteilt werden die Quoten"
            " {scope}"
        ),
        "performance.scope.overall": "insgesamt",
        "performance.scope.groups": "insgesamt und in jeder Gruppe mit mindestens {min_size} Zeilen",
        "performance.for_group": "{measure} für {group}",
        "performance.limit.min": "≥ {threshold}",
        "performance.limit.max": "≤ {threshold}",
        "performance.metric_limit": "{measure} {limit}",
        "performance.summary.overall": "Gesamtgenauigkeit {value} [{ci_low}, {ci_high}] bei {n} Beispielen; {clause}.",
        "performance.clause.all_met": "jede Grenze wird auf ihrem ganzen Intervall eingehalten",
        "performance.clause.breaches": "{measure} {value} [{ci_low}, {ci_high}] verletzt die Grenze {limit}",
        "performance.clause.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] ist von der Grenze {limit} statistisch nicht zu "
            "unterscheiden"
        ),
        "performance.clause.and_more": "{clause} (und {n} weitere)",
        "performance.summary.absent": (
            "Gruppe nicht in den Daten vorhanden: {groups} (in der Prüfrichtlinie deklariert), daher werden ihre "
            "gruppenweisen Grenzen nicht bewertet."
        ),
        "performance.note.small_groups": (
            "Gruppen unter min_group_size {min_size} werden aufgeführt, aber nicht beurteilt: {groups}."
        ),
        "performance.note.absent": (
            "In der Prüfrichtlinie deklariert, aber nicht in den Daten vorhanden und daher nicht bewertet: "
            "{groups}."
        ),
        "performance.note.absent_judged": (
            "In der Prüfrichtlinie deklariert, aber nicht in den Daten vorhanden und daher nicht bewertet: "
            "{groups}. Die gruppenweisen Grenzen können für sie nicht beurteilt werden."
        ),
        "performance.power.statement": (
            "Teststärke für {measure}: Mit {n} Zeilen ist der kleinste nachweisbare Abstand zur Grenze (α"
            " = {alpha}, Teststärke 0.8) {mde}; {decide}."
        ),
        "performance.power.decide": "etwa {rows} Zeilen würden sie gegenüber der Grenze {limit} entscheiden",
        "performance.power.decide_group": (
            "etwa {rows} Zeilen in dieser Gruppe würden sie gegenüber der Grenze {limit} entscheiden"
        ),
        "performance.power.undecidable": (
            "keine Zeilenzahl entscheidet sie: Der Schätzwert liegt genau auf der Grenze {limit}"
        ),
        "performance.table.by_group": "Leistung nach Gruppe",
        "performance.col.group": "Gruppe",
        "performance.col.n": "n",
        "performance.col.tp": "RP",
        "performance.col.fp": "FP",
        "performance.col.tn": "RN",
        "performance.col.fn": "FN",
        "performance.col.base_rate": "Basisrate (günstiges Label)",
        "performance.col.selection_rate": "Auswahlrate",
        "performance.col.accuracy": "Genauigkeit",
        "performance.col.tpr": "Richtig-Positiv-Rate",
        "performance.col.fpr": "Falsch-Positiv-Rate",
        "performance.col.fnr": "Falsch-Negativ-Rate",
        "performance.col.large_enough": "n ≥ {min_size}",
        "performance.finding.breaches": (
            "Grenze verletzt: {measure} {value} [{ci_low}, {ci_high}] liegt ganz jenseits der Grenze "
            "{limit}."
        ),
        "performance.finding.straddles": (
            "Nicht entschieden: {measure} {value} [{ci_low}, {ci_high}] ist von der Grenze {limit} "
            "statistisch nicht zu unterscheiden; für eine Entscheidung sind mehr Zeilen nötig."
        ),
        "performance.finding.undefined": (
            "Nicht entschieden: {measure} ist nicht definiert (keine Zeilen mit dem benötigten wahren "
            "Label), daher kann die Grenze {limit} nicht beurteilt werden."
        ),
        "performance.finding.absent": (
            "Deklarierte Gruppen fehlen in den Auditdaten: {groups}; ihre gruppenweisen Grenzen werden "
            "nicht bewertet. Ergänzen Sie Zeilen dieser Gruppen oder entfernen Sie die Werte aus "
            "protected_attributes[].values, wenn sie nicht vorkommen können."
        ),
        "performance.meaning.accuracy": (
            "Das Modell entscheidet für {value} der Personen in den Prüfdaten richtig (Konfidenz {level}: "
            "{ci_low} bis {ci_high})."
        ),
        "performance.meaning.accuracy_groups": (
            "Das Modell entscheidet für {value} der Personen in den Prüfdaten richtig (Konfidenz {level}: "
            "{ci_low} bis {ci_high}); nach Gruppen: {groups}."
        ),
        "performance.meaning.group_value": "{group} {value}",
        "performance.meaning.fail": (
            "In den Prüfdaten beträgt {measure} {value} (Konfidenz {level}: {ci_low} bis {ci_high}); die "
            "Prüfrichtlinie "
            "verlangt {limit}. Das Modell verfehlt den Maßstab der Prüfrichtlinie, und zwar um mehr, als der Zufall "
            "der "
            "Prüfstichprobe erklärt."
        ),
        "performance.meaning.pass": (
            "Jede Quote, die die Prüfrichtlinie vorgibt, liegt innerhalb ihrer Toleranz; am nächsten an ihrer Grenze "
            "liegt {measure} mit {value} (Konfidenz {level}: {ci_low} bis {ci_high}; die Prüfrichtlinie verlangt "
            "{limit}). Das heißt, das Modell erfüllt auf den Prüfdaten den Maßstab der Prüfrichtlinie, nicht, dass "
            "jede "
            "Entscheidung richtig ist."
        ),
        "performance.meaning.inconclusive": (
            "In den Prüfdaten beträgt {measure} {value}, liegt aber mit einer Konfidenz von {level} irgendwo "
            "zwischen {ci_low} und {ci_high}, also auf beiden Seiten der Grenze der Prüfrichtlinie ({limit}): Die "
            "Prüfdaten können nicht zeigen, ob das Modell hier den Maßstab der Prüfrichtlinie erfüllt; mehr Personen "
            "würden es entscheiden."
        ),
        "performance.meaning.absent": (
            "Die Prüfdaten enthalten niemanden aus der Gruppe bzw. den Gruppen {groups}, die die Prüfrichtlinie nennt; "
            "ob "
            "das Modell für diese Personen den Maßstab der Prüfrichtlinie erfüllt, lässt sich daher nicht sagen."
        ),
        "performance.meaning.undefined": (
            "Aus den Prüfdaten lässt sich {measure} nicht berechnen (es gibt niemanden zu zählen); ob die Grenze "
            "der Prüfrichtlinie eingehalten wird, lässt sich daher nicht sagen."
        ),
        "performance.meaning.limit.min": "mindestens {threshold}",
        "performance.meaning.limit.max": "höchstens {threshold}",
        "performance.meaning.for_group": "{measure} in der Gruppe {group}",
        "performance.meaning.measure.accuracy": "der Anteil richtig entschiedener Personen",
        "performance.meaning.measure.selection_rate": "der Anteil günstiger Entscheidungen",
        "performance.meaning.measure.tpr": (
            "der Anteil günstiger Entscheidungen unter Personen mit günstigem tatsächlichem Ergebnis"
        ),
        "performance.meaning.measure.fpr": (
            "der Anteil günstiger Entscheidungen unter Personen mit ungünstigem tatsächlichem Ergebnis"
        ),
        "performance.meaning.measure.fnr": (
            "der Anteil verweigerter günstiger Entscheidungen unter Personen mit günstigem tatsächlichem Ergebnis"
        ),
        "performance.meaning.measure.roc_auc": (
            "die Güte, mit der die Scores des Modells Personen nach ihrem tatsächlichen Ergebnis ordnen"
        ),
        "performance.meaning.measure.gini": (
            "die Güte, mit der die Scores des Modells Personen nach ihrem tatsächlichen Ergebnis ordnen"
        ),
    },
}
