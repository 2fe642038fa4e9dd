"""Messages of the ``group_fairness`` check (summaries, rules, tables, notes, findings), English and German."""

MESSAGES = {
    "en": {
        "group_fairness.measure.demographic_parity_difference": "demographic parity difference",
        "group_fairness.measure.demographic_parity_ratio": "demographic parity ratio",
        "group_fairness.measure.equalized_odds_difference": "equalized odds difference",
        "group_fairness.measure.equalized_odds_ratio": "equalized odds ratio",
        "group_fairness.measure.equal_opportunity_difference": "equal opportunity difference",
        "group_fairness.measure.equal_opportunity_ratio": "equal opportunity ratio",
        "group_fairness.measure.impact_ratio": "impact ratio",
        "group_fairness.rule.interval_inside_limit": (
            "Every limit ({limits}) is met on the whole {level} confidence interval of its metric (the "
            "impact ratio in every compared group)"
        ),
        "group_fairness.rule.interval_beyond_limit": (
            "A metric fails when its whole {level} confidence interval lies beyond its limit ({limits})"
        ),
        "group_fairness.rule.interval_straddles_limit": (
            "Undecided when no {level} confidence interval lies wholly beyond its limit but at least one "
            "includes it ({limits})"
        ),
        "group_fairness.rule.declared_group_absent": (
            "Every group declared in the policy must be present in the data (absent: {groups}); without "
            "it the comparison is incomplete, even though no {level} confidence interval lies wholly "
            "beyond its limit ({limits})"
        ),
        "group_fairness.rule.too_few_comparable_groups": (
            "At least two groups of {attributes} with {min_rows} rows or more are needed to compare "
            "groups; fewer were present"
        ),
        "group_fairness.for_group": "{measure} for {group}",
        "group_fairness.group_n": "{group} (n={n})",
        "group_fairness.limit.min": ">= {threshold}",
        "group_fairness.limit.max": "<= {threshold}",
        "group_fairness.metric_limit": "{measure} {limit}",
        "group_fairness.rows_unbounded": "an unbounded number of",
        "group_fairness.summary.range": "Selection rate ranges from {low} ({low_group}) to {high} ({high_group}).",
        "group_fairness.summary.equal": "Selection rate is {rate} in every group ({groups}).",
        "group_fairness.summary.equal_and": "Selection rate is {rate} in every group ({groups}); {clause}.",
        "group_fairness.summary.range_and": (
            "Selection rate ranges from {low} ({low_group}) to {high} ({high_group}); {clause}."
        ),
        "group_fairness.clause.undefined": "{measure} is undefined",
        "group_fairness.clause.breaches": "{measure} {value} [{ci_low}, {ci_high}] breaches the limit {limit}",
        "group_fairness.clause.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] cannot be separated from the limit {limit}"
        ),
        "group_fairness.clause.meets": (
            "{measure} {value} [{ci_low}, {ci_high}] meets the limit {limit} and every other limit is met"
            " on its interval"
        ),
        "group_fairness.summary.widened": (
            "Intervals were widened to Wilson bounds: in {groups} every row shares one outcome, so the "
            "bootstrap alone would show certainty."
        ),
        "group_fairness.summary.absent": (
            "Group not present in the data: {groups} (declared in the policy), so the comparison is "
            "incomplete."
        ),
        "group_fairness.summary.too_few_groups": (
            "Fewer than two groups of {attributes} have at least {min_rows} examples, so no group "
            "comparison could be made."
        ),
        "group_fairness.summary.single_row_groups": (
            "Groups with fewer than {min_rows} rows cannot be compared: {groups}."
        ),
        "group_fairness.summary.absent_not_compared": "Declared but absent from the data: {groups}.",
        "group_fairness.note.small_groups": (
            "{count} group(s) below min_group_size {min_size} were reported but left out of the "
            "comparison: {groups}."
        ),
        "group_fairness.note.single_row_groups": (
            "{count} group(s) with fewer than {min_rows} rows cannot be compared (a single row has no "
            "sampling interval): {groups}."
        ),
        "group_fairness.note.absent": (
            "Declared in the policy but not present in the data, so not assessed: {groups}. Add rows of "
            "these groups to the audit data, or remove the values from protected_attributes[].values if "
            "they cannot occur."
        ),
        "group_fairness.note.power_two_groups": (
            "Power: with {rows} rows in each of two groups, the smallest selection-rate difference "
            "detectable (α = {alpha}, power 0.8) would be about {mde}; deciding a limit of {limit} needs "
            "about {need} rows per group."
        ),
        "group_fairness.note.widened": (
            "In {groups} every row shares one outcome for a compared rate, so all bootstrap resamples of "
            "that rate are identical; the intervals of {metrics} were widened to the groups' Wilson "
            "bounds rather than shown as certain."
        ),
        "group_fairness.note.undefined": (
            "Undefined because a group has no examples with one of the true labels: {metrics}."
        ),
        "group_fairness.power.statement": (
            "Power for {measure}: with {rows_a} and {rows_b} {rows_kind} ({group_a}, {group_b}), the "
            "smallest {rate} difference detectable (α = {alpha}, power 0.8) is {mde}; {decide}."
        ),
        "group_fairness.power.decide": "about {rows} {rows_kind} per group would decide it against the limit {limit}",
        "group_fairness.power.undecidable": "no number of rows decides it: the estimate sits on the limit {limit}",
        "group_fairness.rows.selection_rate": "rows",
        "group_fairness.rows.tpr": "rows with the favourable true label",
        "group_fairness.rows.fpr": "rows with the unfavourable true label",
        "group_fairness.rate.selection_rate": "selection rate",
        "group_fairness.rate.tpr": "true positive rate",
        "group_fairness.rate.fpr": "false positive rate",
        "group_fairness.table.rates": "Decision rates by group",
        "group_fairness.col.group": "group",
        "group_fairness.col.n": "n",
        "group_fairness.col.selection_rate": "selection rate",
        "group_fairness.col.ci_low": "CI low ({level})",
        "group_fairness.col.ci_high": "CI high ({level})",
        "group_fairness.col.tpr": "TPR",
        "group_fairness.col.fpr": "FPR",
        "group_fairness.col.compared": "compared (n ≥ {min_size})",
        "group_fairness.table.sweep": "Selection gap at the operating point and across decision thresholds",
        "group_fairness.col.where": "where",
        "group_fairness.col.threshold": "decision threshold",
        "group_fairness.col.overall_selection": "selection rate (compared groups)",
        "group_fairness.col.gap": "demographic parity difference",
        "group_fairness.sweep.operating": "operating point",
        "group_fairness.sweep.smallest": "smallest gap on the grid",
        "group_fairness.sweep.largest": "largest gap on the grid",
        "group_fairness.sweep.constant": "every threshold on the grid (the same gap)",
        "group_fairness.note.sweep": (
            "Threshold sensitivity: the demographic parity difference recomputed with the decision threshold at "
            "{low} to {high} in steps of {step}, each with its own {level} interval (pointwise, not holding for "
            "all thresholds at once); at the operating point, the measured difference and its interval. Shown "
            "for information: the verdict reads the operating point only."
        ),
        "group_fairness.chart.sweep": "Selection gap by decision threshold",
        "group_fairness.chart.threshold": "decision threshold (score)",
        "group_fairness.chart.gap": "selection gap (pp)",
        "group_fairness.chart.operating_point": "operating point",
        "group_fairness.chart.limit": "limit",
        "group_fairness.finding.breaches": (
            "Disparity between groups of {attributes}: {measure} {value} [{ci_low}, {ci_high}] breaches "
            "the limit {limit} on its whole confidence interval."
        ),
        "group_fairness.finding.straddles": (
            "Undecided: {measure} {value} [{ci_low}, {ci_high}] cannot be separated from the limit "
            "{limit}; more rows per group are needed to decide it."
        ),
        "group_fairness.finding.undefined": (
            "Undecided: {measure} is undefined (a group has no rows with one of the true labels), so the "
            "limit {limit} cannot be judged."
        ),
        "group_fairness.finding.too_few_groups": (
            "Fewer than two groups of {attributes} have at least {min_rows} rows: add rows so that the "
            "groups can be compared."
        ),
        "group_fairness.finding.absent": (
            "Declared groups absent from the audit data: {groups}. Add rows of these groups, or remove "
            "the values from protected_attributes[].values if they cannot occur."
        ),
        "group_fairness.meaning.rates": (
            "{high} of the people in the group {high_group} receive the favourable decision, against {low} in the "
            "group {low_group}: a gap of {gap} ({level} confidence: {ci_low} to {ci_high})."
        ),
        "group_fairness.meaning.fail": (
            "{measure} is {value} ({level} confidence: {ci_low} to {ci_high}), while the policy allows {limit}. "
            "The groups are treated more differently than the policy tolerates, and a difference this large is "
            "not a chance result of the audit sample."
        ),
        "group_fairness.meaning.pass": (
            "{measure} is {value} ({level} confidence: {ci_low} to {ci_high}), within the policy's tolerance of "
            "{limit}, and so is every other measure the policy sets. This says the groups are treated alike as "
            "far as these measures go, not that every decision is fair."
        ),
        "group_fairness.meaning.inconclusive": (
            "{measure} is {value}, but with {level} confidence it lies anywhere from {ci_low} to {ci_high}, on "
            "both sides of the policy's limit of {limit}. The audit data cannot tell whether the groups are "
            "treated within the tolerance; more people per group would decide it."
        ),
        "group_fairness.meaning.absent": (
            "The audit data hold no one of the group(s) {groups}, which the policy names, so they cannot tell how "
            "the model treats them."
        ),
        "group_fairness.meaning.with_absent": (
            "{text} Nor do the data hold anyone of the group(s) {groups}, so how the model treats them is "
            "unknown."
        ),
        "group_fairness.meaning.undefined": (
            "{measure} cannot be computed from the audit data (a group has no one to compare), so they cannot "
            "tell whether the policy's limit is met."
        ),
        "group_fairness.meaning.too_few_groups": (
            "Fewer than two groups of {attributes} have {min_rows} or more people in the audit data, so they "
            "cannot tell whether the model treats these groups differently."
        ),
        "group_fairness.meaning.limit.min": "at least {threshold}",
        "group_fairness.meaning.limit.max": "at most {threshold}",
        "group_fairness.meaning.measure.demographic_parity_difference": (
            "The gap in favourable decisions between groups"
        ),
        "group_fairness.meaning.measure.demographic_parity_ratio": (
            "The least favoured group's rate of favourable decisions, relative to the most favoured group's"
        ),
        "group_fairness.meaning.measure.equalized_odds_difference": (
            "The largest gap between groups in how often people with the same actual outcome receive the "
            "favourable decision"
        ),
        "group_fairness.meaning.measure.equalized_odds_ratio": (
            "The lowest ratio between groups of how often people with the same actual outcome receive the "
            "favourable decision"
        ),
        "group_fairness.meaning.measure.equal_opportunity_difference": (
            "Among people whose actual outcome is favourable, the gap between groups in how often they receive "
            "the favourable decision"
        ),
        "group_fairness.meaning.measure.equal_opportunity_ratio": (
            "Among people whose actual outcome is favourable, the lowest ratio between groups of how often they "
            "receive the favourable decision"
        ),
        "group_fairness.meaning.measure.impact_ratio": (
            "The rate of favourable decisions in the group {group}, relative to the most favoured group's"
        ),
        "group_fairness.meaning.fail_gap": (
            "The policy allows at most {threshold}: the groups are treated more differently than the policy "
            "tolerates, and a gap this large is not a chance result of the audit sample."
        ),
        "group_fairness.meaning.pass_gap": (
            "Even the upper end is within the policy's tolerance of {threshold}, and so is every other measure "
            "the policy sets. This says the groups are treated alike as far as these measures go, not that every "
            "decision is fair."
        ),
        "group_fairness.meaning.inconclusive_gap": (
            "That range reaches both sides of the policy's limit of {threshold}: the audit data cannot tell "
            "whether the groups are treated within the tolerance; more people per group would decide it."
        ),
    },
    "de": {
        "group_fairness.measure.demographic_parity_difference": "Differenz der demografischen Parität",
        "group_fairness.measure.demographic_parity_ratio": "Quotient der demografischen Parität",
        "group_fairness.measure.equalized_odds_difference": "Equalized-Odds-Differenz",
        "group_fairness.measure.equalized_odds_ratio": "Equalized-Odds-Quotient",
        "group_fairness.measure.equal_opportunity_difference": "Chancengleichheits-Differenz (Equal Opportunity)",
        "group_fairness.measure.equal_opportunity_ratio": "Chancengleichheits-Quotient (Equal Opportunity)",
        "group_fairness.measure.impact_ratio": "Impact Ratio",
        "group_fairness.rule.interval_inside_limit": (
            "Jede Grenze ({limits}) wird auf dem ganzen {level}-Konfidenzintervall ihrer Metrik "
            "eingehalten (die Impact Ratio in jeder verglichenen Gruppe)"
        ),
        "group_fairness.rule.interval_beyond_limit": (
            "Eine Metrik besteht nicht, wenn ihr ganzes {level}-Konfidenzintervall jenseits ihrer Grenze "
            "liegt ({limits})"
        ),
        "group_fairness.rule.interval_straddles_limit": (
            "Unentschieden, wenn kein {level}-Konfidenzintervall ganz jenseits seiner Grenze liegt, aber "
            "mindestens eines die Grenze einschließt ({limits})"
        ),
        "group_fairness.rule.declared_group_absent": (
            "Jede in der Prüfrichtlinie deklarierte Gruppe muss in den Daten vorhanden sein (fehlend: {groups}); "
            "ohne sie ist der Vergleich unvollständig, auch wenn kein {level}-Konfidenzintervall ganz "
            "jenseits seiner Grenze liegt ({limits})"
        ),
        "group_fairness.rule.too_few_comparable_groups": (
            "Für einen Gruppenvergleich sind mindestens zwei Gruppen von {attributes} mit je mindestens "
            "{min_rows} Zeilen nötig; es waren weniger vorhanden"
        ),
        "group_fairness.for_group": "{measure} für {group}",
        "group_fairness.group_n": "{group} (n={n})",
        "group_fairness.limit.min": "≥ {threshold}",
        "group_fairness.limit.max": "≤ {threshold}",
        "group_fairness.metric_limit": "{measure} {limit}",
        "group_fairness.rows_unbounded": "unbegrenzt viele",
        "group_fairness.summary.range": "Die Auswahlrate reicht von {low} ({low_group}) bis {high} ({high_group}).",
        "group_fairness.summary.equal": "Die Auswahlrate beträgt in jeder Gruppe {rate} ({groups}).",
        "group_fairness.summary.equal_and": "Die Auswahlrate beträgt in jeder Gruppe {rate} ({groups}); {clause}.",
        "group_fairness.summary.range_and": (
            "Die Auswahlrate reicht von {low} ({low_group}) bis {high} ({high_group}); {clause}."
        ),
        "group_fairness.clause.undefined": "{measure} ist nicht definiert",
        "group_fairness.clause.breaches": "{measure} {value} [{ci_low}, {ci_high}] verletzt die Grenze {limit}",
        "group_fairness.clause.straddles": (
            "{measure} {value} [{ci_low}, {ci_high}] ist von der Grenze {limit} statistisch nicht zu "
            "unterscheiden"
        ),
        "group_fairness.clause.meets": (
            "{measure} {value} [{ci_low}, {ci_high}] hält die Grenze {limit} ein, und jede andere Grenze "
            "wird auf ihrem ganzen Intervall eingehalten"
        ),
        "group_fairness.summary.widened": (
            "Die Intervalle wurden auf Wilson-Grenzen erweitert: In {groups} haben alle Zeilen dasselbe "
            "Ergebnis, sodass der Bootstrap allein Gewissheit vortäuschen würde."
        ),
        "group_fairness.summary.absent": (
            "Gruppe nicht in den Daten vorhanden: {groups} (in der Prüfrichtlinie deklariert), daher ist der "
            "Vergleich unvollständig."
        ),
        "group_fairness.summary.too_few_groups": (
            "Weniger als zwei Gruppen von {attributes} haben mindestens {min_rows} Beispiele, daher war "
            "kein Gruppenvergleich möglich."
        ),
        "group_fairness.summary.single_row_groups": (
            "Gruppen mit weniger als {min_rows} Zeilen können nicht verglichen werden: {groups}."
        ),
        "group_fairness.summary.absent_not_compared": "Deklariert, aber nicht in den Daten vorhanden: {groups}.",
        "group_fairness.note.small_groups": (
            "{count} Gruppe(n) unter min_group_size {min_size} wurden aufgeführt, aber nicht in den "
            "Vergleich einbezogen: {groups}."
        ),
        "group_fairness.note.single_row_groups": (
            "{count} Gruppe(n) mit weniger als {min_rows} Zeilen können nicht verglichen werden (eine "
            "einzelne Zeile hat kein Stichprobenintervall): {groups}."
        ),
        "group_fairness.note.absent": (
            "In der Prüfrichtlinie deklariert, aber nicht in den Daten vorhanden und daher nicht bewertet: "
            "{groups}. Ergänzen Sie Zeilen dieser Gruppen in den Auditdaten oder entfernen Sie die Werte "
            "aus protected_attributes[].values, wenn sie nicht vorkommen können."
        ),
        "group_fairness.note.power_two_groups": (
            "Teststärke: Mit {rows} Zeilen in jeder von zwei Gruppen läge die kleinste nachweisbare "
            "Differenz der Auswahlraten (α = {alpha}, Teststärke 0.8) bei etwa {mde}; um eine Grenze von"
            " {limit} zu entscheiden, sind etwa {need} Zeilen pro Gruppe nötig."
        ),
        "group_fairness.note.widened": (
            "In {groups} haben alle Zeilen bei einer verglichenen Quote dasselbe Ergebnis, sodass alle "
            "Bootstrap-Stichproben dieser Quote identisch sind; die Intervalle von {metrics} wurden auf "
            "die Wilson-Grenzen der Gruppen erweitert, statt als sicher ausgewiesen zu werden."
        ),
        "group_fairness.note.undefined": (
            "Nicht definiert, weil eine Gruppe keine Beispiele mit einem der wahren Labels hat: "
            "{metrics}."
        ),
        "group_fairness.power.statement": (
            "Teststärke für {measure}: Mit {rows_a} und {rows_b} {rows_kind} ({group_a}, {group_b}) ist "
            "die kleinste nachweisbare Differenz der {rate} (α = {alpha}, Teststärke 0.8) {mde}; "
            "{decide}."
        ),
        "group_fairness.power.decide": (
            "etwa {rows} {rows_kind} pro Gruppe würden sie gegenüber der Grenze {limit} entscheiden"
        ),
        "group_fairness.power.undecidable": (
            "keine Zeilenzahl entscheidet sie: Der Schätzwert liegt genau auf der Grenze {limit}"
        ),
        "group_fairness.rows.selection_rate": "Zeilen",
        "group_fairness.rows.tpr": "Zeilen mit dem günstigen wahren Label",
        "group_fairness.rows.fpr": "Zeilen mit dem ungünstigen wahren Label",
        "group_fairness.rate.selection_rate": "Auswahlrate",
        "group_fairness.rate.tpr": "Richtig-Positiv-Rate",
        "group_fairness.rate.fpr": "Falsch-Positiv-Rate",
        "group_fairness.table.rates": "Entscheidungsquoten nach Gruppe",
        "group_fairness.col.group": "Gruppe",
        "group_fairness.col.n": "n",
        "group_fairness.col.selection_rate": "Auswahlrate",
        "group_fairness.col.ci_low": "Konfidenzintervall unten ({level})",
        "group_fairness.col.ci_high": "Konfidenzintervall oben ({level})",
        "group_fairness.col.tpr": "Richtig-Positiv-Rate",
        "group_fairness.col.fpr": "Falsch-Positiv-Rate",
        "group_fairness.col.compared": "verglichen (n ≥ {min_size})",
        "group_fairness.table.sweep": "Auswahllücke im Arbeitspunkt und über die Entscheidungsschwellen",
        "group_fairness.col.where": "Stelle",
        "group_fairness.col.threshold": "Entscheidungsschwelle",
        "group_fairness.col.overall_selection": "Auswahlrate (verglichene Gruppen)",
        "group_fairness.col.gap": "Differenz der demografischen Parität",
        "group_fairness.sweep.operating": "Arbeitspunkt",
        "group_fairness.sweep.smallest": "kleinste Lücke im Raster",
        "group_fairness.sweep.largest": "größte Lücke im Raster",
        "group_fairness.sweep.constant": "jede Schwelle im Raster (dieselbe Lücke)",
        "group_fairness.note.sweep": (
            "Empfindlichkeit gegenüber der Schwelle: Die Differenz der demografischen Parität wird mit der "
            "Entscheidungsschwelle bei {low} bis {high} in Schritten von {step} neu berechnet, jeweils mit eigenem "
            "{level}-Intervall (punktweise, nicht für alle Schwellen zugleich); im Arbeitspunkt die gemessene "
            "Differenz mit ihrem Intervall. Nur zur Information: Das Urteil beruht allein auf dem Arbeitspunkt."
        ),
        "group_fairness.chart.sweep": "Auswahllücke nach Entscheidungsschwelle",
        "group_fairness.chart.threshold": "Entscheidungsschwelle (Score)",
        "group_fairness.chart.gap": "Auswahllücke (PP)",
        "group_fairness.chart.operating_point": "Arbeitspunkt",
        "group_fairness.chart.limit": "Grenze",
        "group_fairness.finding.breaches": (
            "Ungleichbehandlung zwischen Gruppen von {attributes}: {measure} {value} [{ci_low}, "
            "{ci_high}] verletzt die Grenze {limit} auf dem ganzen Konfidenzintervall."
        ),
        "group_fairness.finding.straddles": (
            "Nicht entschieden: {measure} {value} [{ci_low}, {ci_high}] ist von der Grenze {limit} "
            "statistisch nicht zu unterscheiden; für eine Entscheidung sind mehr Zeilen pro Gruppe nötig."
        ),
        "group_fairness.finding.undefined": (
            "Nicht entschieden: {measure} ist nicht definiert (eine Gruppe hat keine Zeilen mit einem der"
            " wahren Labels), daher kann die Grenze {limit} nicht beurteilt werden."
        ),
        "group_fairness.finding.too_few_groups": (
            "Weniger als zwei Gruppen von {attributes} haben mindestens {min_rows} Zeilen: Ergänzen Sie "
            "Zeilen, damit die Gruppen verglichen werden können."
        ),
        "group_fairness.finding.absent": (
            "Deklarierte Gruppen fehlen in den Auditdaten: {groups}. Ergänzen Sie Zeilen dieser Gruppen "
            "oder entfernen Sie die Werte aus protected_attributes[].values, wenn sie nicht vorkommen "
            "können."
        ),
        "group_fairness.meaning.rates": (
            "In der Gruppe {high_group} erhalten {high} der Personen die günstige Entscheidung, in der Gruppe "
            "{low_group} {low}: ein Abstand von {gap} (Konfidenz {level}: {ci_low} bis {ci_high})."
        ),
        "group_fairness.meaning.fail": (
            "{measure} beträgt {value} (Konfidenz {level}: {ci_low} bis {ci_high}); die Prüfrichtlinie erlaubt "
            "{limit}. "
            "Die Gruppen werden unterschiedlicher behandelt, als die Prüfrichtlinie toleriert, und ein so großer "
            "Unterschied ist kein Zufallsergebnis der Prüfstichprobe."
        ),
        "group_fairness.meaning.pass": (
            "{measure} beträgt {value} (Konfidenz {level}: {ci_low} bis {ci_high}) und liegt damit innerhalb der "
            "Toleranz der Prüfrichtlinie von {limit}, ebenso jedes andere Maß, das die Prüfrichtlinie vorgibt. Das "
            "heißt, die "
            "Gruppen werden nach diesen Maßen gleich behandelt, nicht, dass jede Entscheidung fair ist."
        ),
        "group_fairness.meaning.inconclusive": (
            "{measure} beträgt {value}, liegt aber mit einer Konfidenz von {level} irgendwo zwischen {ci_low} und "
            "{ci_high}, also auf beiden Seiten der Grenze der Prüfrichtlinie von {limit}. Die Prüfdaten können nicht "
            "zeigen, ob die Gruppen innerhalb der Toleranz behandelt werden; mehr Personen je Gruppe würden es "
            "entscheiden."
        ),
        "group_fairness.meaning.absent": (
            "Die Prüfdaten enthalten niemanden aus der Gruppe bzw. den Gruppen {groups}, die die Prüfrichtlinie nennt; "
            "wie das Modell diese Personen behandelt, lässt sich daher nicht sagen."
        ),
        "group_fairness.meaning.with_absent": (
            "{text} Zudem enthalten die Daten niemanden aus der Gruppe bzw. den Gruppen {groups}; wie das Modell "
            "diese Personen behandelt, ist unbekannt."
        ),
        "group_fairness.meaning.undefined": (
            "{measure} lässt sich aus den Prüfdaten nicht berechnen (einer Gruppe fehlen Vergleichspersonen); ob "
            "die Grenze der Prüfrichtlinie eingehalten wird, lässt sich daher nicht sagen."
        ),
        "group_fairness.meaning.too_few_groups": (
            "Weniger als zwei Gruppen von {attributes} haben in den Prüfdaten {min_rows} oder mehr Personen; ob "
            "das Modell diese Gruppen unterschiedlich behandelt, lässt sich daher nicht sagen."
        ),
        "group_fairness.meaning.limit.min": "mindestens {threshold}",
        "group_fairness.meaning.limit.max": "höchstens {threshold}",
        "group_fairness.meaning.measure.demographic_parity_difference": (
            "Der Abstand zwischen den Gruppen bei günstigen Entscheidungen"
        ),
        "group_fairness.meaning.measure.demographic_parity_ratio": (
            "Die Quote günstiger Entscheidungen der am wenigsten begünstigten Gruppe im Verhältnis zu der der am "
            "meisten begünstigten"
        ),
        "group_fairness.meaning.measure.equalized_odds_difference": (
            "Der größte Abstand zwischen den Gruppen darin, wie oft Personen mit demselben tatsächlichen Ergebnis "
            "die günstige Entscheidung erhalten"
        ),
        "group_fairness.meaning.measure.equalized_odds_ratio": (
            "Das kleinste Verhältnis zwischen den Gruppen darin, wie oft Personen mit demselben tatsächlichen "
            "Ergebnis die günstige Entscheidung erhalten"
        ),
        "group_fairness.meaning.measure.equal_opportunity_difference": (
            "Unter Personen mit günstigem tatsächlichem Ergebnis der Abstand zwischen den Gruppen darin, wie oft "
            "sie die günstige Entscheidung erhalten"
        ),
        "group_fairness.meaning.measure.equal_opportunity_ratio": (
            "Unter Personen mit günstigem tatsächlichem Ergebnis das kleinste Verhältnis zwischen den Gruppen "
            "darin, wie oft sie die günstige Entscheidung erhalten"
        ),
        "group_fairness.meaning.measure.impact_ratio": (
            "Die Quote günstiger Entscheidungen der Gruppe {group} im Verhältnis zu der der am meisten "
            "begünstigten Gruppe"
        ),
        "group_fairness.meaning.fail_gap": (
            "Die Prüfrichtlinie erlaubt höchstens {threshold}: Die Gruppen werden unterschiedlicher behandelt, als die "
            "Prüfrichtlinie toleriert, und ein so großer Abstand ist kein Zufallsergebnis der Prüfstichprobe."
        ),
        "group_fairness.meaning.pass_gap": (
            "Selbst die obere Grenze liegt innerhalb der Toleranz der Prüfrichtlinie von {threshold}, ebenso jedes "
            "andere "
            "Maß, das die Prüfrichtlinie vorgibt. Das heißt, die Gruppen werden nach diesen Maßen gleich behandelt, "
            "nicht, dass jede Entscheidung fair ist."
        ),
        "group_fairness.meaning.inconclusive_gap": (
            "Dieser Bereich reicht über die Grenze der Prüfrichtlinie von {threshold} hinweg: Die Prüfdaten können "
            "nicht "
            "zeigen, ob die Gruppen innerhalb der Toleranz behandelt werden; mehr Personen je Gruppe würden es "
            "entscheiden."
        ),
    },
}
