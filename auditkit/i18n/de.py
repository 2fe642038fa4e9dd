"""German report messages (Deutsch): the same keys and ``{fields}`` as :mod:`.en`.

Terminology follows the German text of Regulation (EU) 2024/1689 (KI-Verordnung):
"Anbieter", "Betreiber", "Zweckbestimmung", "menschliche Aufsicht", "Anhang III
Nummer", "Art. 9 Abs. 8" is cited in the short form "Art. 9(8)" used throughout the
report. Status words are German; the CSS classes and stored data keep the codes.
Numbers keep the decimal point (see :mod:`auditkit.report.fmt`).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- formatting ---
    "fmt.not_provided": "nicht angegeben",
    "fmt.yes": "ja",
    "fmt.no": "nein",
    "fmt.default_suffix": " (Standardwert)",
    "fmt.overall": "gesamt",
    "fmt.page": "Seite",
    "fmt.of": "von",
    # --- status and severity words ---
    "status.PASS": "BESTANDEN",
    "status.FAIL": "NICHT BESTANDEN",
    "status.INCONCLUSIVE": "UNENTSCHIEDEN",
    "status.ERROR": "FEHLER",
    "status.SKIPPED": "ÜBERSPRUNGEN",
    "status.NOT DECIDED": "NICHT ENTSCHIEDEN",
    "severity.blocker": "blockierend",
    "severity.major": "schwer",
    "severity.minor": "gering",
    "severity.info": "Hinweis",
    # --- section titles ---
    "section.document-control": "Dokumentenlenkung",
    "section.summary": "Zusammenfassung und Freigabeentscheidung",
    "section.scope": "Systembeschreibung und Geltungsbereich",
    "section.criteria": "Abnahmekriterien",
    "section.setup": "Prüfaufbau und Herkunftsnachweis",
    "section.data": "Daten- und Bias-Untersuchung",
    "section.results": "Ergebnisse je Prüffamilie",
    "section.not-assessed": "Nicht geprüft",
    "section.findings": "Feststellungen und Restrisiko",
    "section.changes": "Änderungen seit der vorigen Prüfung",
    "section.signoff": "Freigabe und Unterschriften",
    "section.annex-a": "Anhang A. Prüfprotokoll",
    "section.annex-c": "Anhang C. Prüfrichtlinie und Anlagen",
    "section.annex-d": "Anhang D. Definitionen der Kennzahlen",
    "section.annex-e": "Anhang E. Rückverfolgbarkeitsmatrix",
    "section.contents": "Inhalt",
    # --- cover and document control ---
    "cover.title": "Prüfbericht KI-Modell: {system}",
    "cover.brand": "Prüfbericht KI-Modell · Technische Dokumentation nach KI-Verordnung",
    "cover.provider_missing": "Anbieter nicht angegeben",
    "cover.report": "Bericht",
    "cover.gate": "Freigabeentscheidung",
    "cover.description": "Prüfbericht {report_id} {version} für {system}",
    "cover.confidential": "Vertraulich",
    "doc.report_id": "Berichtskennung",
    "doc.version": "Version",
    "doc.date": "Datum",
    "doc.gate": "Freigabeentscheidung",
    "doc.system": "System",
    "doc.provider": "Anbieter",
    "doc.annex_iii": "Anhang III Nummer",
    "doc.policy": "Prüfrichtlinie",
    "doc.policy_sha": "SHA-256 der Prüfrichtlinie",
    "doc.model_fp": "Fingerabdruck des Modells (SHA-256)",
    "doc.dataset_fp": "Fingerabdruck des Datensatzes (SHA-256)",
    "doc.run_id": "Lauf-Kennung",
    "doc.confidentiality": "Vertraulichkeit",
    "doc.legal_basis": "Rechtsgrundlage",
    "doc.legal_basis_text": "Prüfbericht für die technische Dokumentation eines Hochrisiko-KI-Systems, "
    "Verordnung (EU) 2024/1689 Anhang IV Nummer 2 Buchstabe g",
    # --- 1 executive summary ---
    "gate.PASS": "Freigabeprüfung bestanden: keine blockierende Feststellung.",
    "gate.FAIL": "Freigabeprüfung nicht bestanden: Das Modell darf in der geprüften Form nicht freigegeben werden.",
    "gate.INCONCLUSIVE": "Freigabeprüfung unentschieden: Die Nachweise entscheiden nicht; das ist kein Bestehen.",
    "gate.ERROR": "Freigabeprüfung fehlerhaft: Prüfungen konnten nicht berechnet werden, daher ist keine "
    "Freigabeentscheidung möglich.",
    "gate.none": "Es wurde keine Freigabeentscheidung aufgezeichnet (Zustand des Laufs: {state}).",
    "summary.run_error": "Der Lauf endete mit einem Fehler.",
    "summary.checks_ran": "{n} Prüfungen ausgeführt: {counts}.",
    "summary.count": "{count} {status}",
    "summary.blocking.one": "{n} blockierende Feststellung (Schweregrad blockierend mit NICHT BESTANDEN, FEHLER "
    "oder UNENTSCHIEDEN).",
    "summary.blocking.other": "{n} blockierende Feststellungen (Schweregrad blockierend mit NICHT BESTANDEN, "
    "FEHLER oder UNENTSCHIEDEN).",
    "summary.p_family": "{n} p-Werte gemeinsam als eine Familie adjustiert ({correction}).",
    "summary.not_assessed": "{n} der 5 Standard-Prüffamilien nicht geprüft; siehe Abschnitt 7.",
    "summary.gaps": "{n} Gruppe(n) unter der Mindestgruppengröße von {min_size}; siehe Abschnitt 5.",
    "summary.blocking_title": "Blockierende Feststellungen",
    "summary.no_blocking": "Keine blockierenden Feststellungen.",
    "col.ref": "Nr.",
    "col.check": "Prüfung",
    "col.status": "Status",
    "col.finding": "Feststellung",
    # --- 2 scope ---
    "scope.lead": "Vom Menschen bereitgestellte Beschreibung des Systems (Anhang IV Nummer 1), der Prüfrichtlinie "
    "entnommen. Als",
    "scope.lead_end": "gekennzeichnete Felder fehlen in der Prüfrichtlinie und müssen an anderer Stelle der "
    "technischen Dokumentation ergänzt werden.",
    "scope.system_name": "Systemname",
    "scope.system_version": "Systemversion",
    "scope.provider": "Anbieter",
    "scope.provider_contact": "Kontakt des Anbieters",
    "scope.intended_purpose": "Zweckbestimmung",
    "scope.annex_iii": "Anhang III Nummer",
    "scope.misuse": "Vernünftigerweise vorhersehbare Fehlanwendung",
    "scope.out_of_scope": "Nicht vorgesehene Verwendungen",
    "scope.deployer": "Einsatzkontext des Betreibers",
    "scope.oversight": "Maßnahmen der menschlichen Aufsicht",
    "scope.standards": "Angewandte Normen",
    # --- 3 criteria ---
    "criteria.lead": "Kennzahlen und Schwellenwerte wurden vor dem Lauf in der Prüfrichtlinie festgelegt "
    "(Art. 9(8)).",
    "criteria.art98": "Art. 9(8):",
    "criteria.policy": "Prüfrichtlinie",
    "criteria.statistics": "Statistische Einstellungen",
    "criteria.checks": "Prüfungen und Schwellenwerte",
    "timing.unknown": "Das Inkrafttreten der Prüfrichtlinie ist nicht aufgezeichnet; der Bericht kann daher nicht "
    "zeigen, dass die Abnahmekriterien vor dem Start des Laufs am {started} festgelegt waren (Art. 9(8)).",
    "timing.before.one": "Prüfrichtlinie gültig ab {effective}, {n} Tag vor dem Start des Laufs am {started}.",
    "timing.before.other": "Prüfrichtlinie gültig ab {effective}, {n} Tage vor dem Start des Laufs am {started}.",
    "timing.same_day": "Prüfrichtlinie gültig ab {effective}, dem Tag, an dem der Lauf startete ({started}).",
    "timing.after.one": "Prüfrichtlinie gültig ab {effective}, {n} Tag NACH dem Start des Laufs am {started}: Die "
    "Abnahmekriterien waren bei der Prüfung nicht in Kraft, entgegen Art. 9(8).",
    "timing.after.other": "Prüfrichtlinie gültig ab {effective}, {n} Tage NACH dem Start des Laufs am {started}: "
    "Die Abnahmekriterien waren bei der Prüfung nicht in Kraft, entgegen Art. 9(8).",
    "timing.finding": "Abnahmekriterien nicht vor dem Lauf festgelegt",
    "timing.action": "Die Prüfung unter einer vor dem Lauf datierten Prüfrichtlinie wiederholen.",
    "policy.id": "Kennung der Prüfrichtlinie",
    "policy.version": "Version der Prüfrichtlinie",
    "policy.effective": "Gültig ab",
    "policy.approved_by": "Genehmigt von",
    "policy.supersedes": "Ersetzt Version",
    "policy.rationale": "Begründung",
    "policy.sha": "SHA-256 der Prüfrichtlinie",
    "stats.confidence": "Konfidenzniveau",
    "stats.correction": "Korrektur für multiples Testen",
    "stats.min_group_size": "Mindestgruppengröße",
    "stats.bootstrap": "Bootstrap-Stichproben",
    "stats.seed": "Startwert (Seed)",
    "criteria.table": "Vor dem Lauf festgelegte Prüfungen und Schwellenwerte",
    "criteria.col.kind": "Art",
    "criteria.col.severity": "Schweregrad",
    "criteria.col.params": "Schwellenwerte und Parameter",
    "criteria.note_policy": "Wie in der Prüfrichtlinie geschrieben; nicht angegebene Parameter haben die "
    "dokumentierten Standardwerte der Prüfung (Anhang B nennt alle Parameter des Laufs). Die Begründung jeder "
    "Prüfung steht bei ihrem Ergebnis in Abschnitt 6.",
    "criteria.note_outcomes": "Der gespeicherte Richtlinientext nennt keine Prüfungen; die Parameter sind die mit "
    "jedem Ergebnis gespeicherten.",
    # --- 4 setup ---
    "setup.run": "Lauf",
    "setup.environment": "Umgebung",
    "setup.no_environment": "Der Lauf hat keine Umgebung aufgezeichnet.",
    "setup.model": "Modell",
    "setup.dataset": "Prüfdatensatz",
    "setup.packages": "Paketversionen",
    "setup.package": "Paket",
    "setup.version": "Version",
    "setup.no_packages": "Der Lauf hat keine Paketversionen aufgezeichnet.",
    # provenance fields of the model, the data and the environment (section 4)
    "ref.type": "Typ",
    "ref.adapter": "Adapter",
    "ref.name": "Name",
    "ref.task": "Aufgabe",
    "ref.source": "Quelle",
    "ref.class": "Klasse",
    "ref.parameters": "Parameter",
    "ref.dtype": "Zahlentyp",
    "ref.device": "Gerät",
    "ref.output": "Ausgabe",
    "ref.favourable_output": "Günstige Ausgabe",
    "ref.decision_threshold": "Entscheidungsschwelle",
    "ref.batch_size": "Stapelgröße",
    "ref.feature_names": "Merkmalsnamen",
    "ref.fingerprint": "Fingerabdruck",
    "ref.path": "Pfad",
    "ref.format": "Format",
    "ref.kind": "Art",
    "ref.n_rows": "Verwendete Zeilen",
    "ref.rows_in_file": "Zeilen in der Datei",
    "ref.max_rows": "Zeilenlimit",
    "ref.columns": "Spalten",
    "ref.label": "Zielvariable",
    "ref.favourable_label": "Günstiger Wert der Zielvariable",
    "ref.favourable_rate": "Anteil günstiger Ergebnisse",
    "ref.protected_attributes": "Geschützte Merkmale",
    "ref.features": "Merkmale",
    "ref.id_column": "ID-Spalte",
    "ref.python": "Python",
    "ref.platform": "Plattform",
    "ref.machine": "Rechner",
    # type: mlflow (woher das Modell stammt: Registry, Lauf, Speicher)
    "ref.mlflow_uri": "MLflow-Modell-URI",
    "ref.flavour": "MLflow-Flavour",
    "ref.registered_model": "Registriertes Modell",
    "ref.model_version": "Modellversion",
    "ref.model_alias": "Modell-Alias",
    "ref.run_id": "MLflow-Lauf-ID",
    "ref.logged_model_id": "MLflow-ID des protokollierten Modells",
    "ref.logged_with": "Protokolliert mit",
    "ref.tracking_uri": "MLflow-Tracking-Speicher",
    "ref.registry_uri": "MLflow-Modellregistry",
    "ref.artifact_uri": "Speicherort der Artefakte",
    "ref.model_directory": "Modellverzeichnis",
    "ref.store_configured_by": "Speicher festgelegt durch",
    "setup.fingerprint": "SHA-256-Fingerabdruck",
    "setup.remote_code": "Fremdcode erlaubt (allow_remote_code)",
    "setup.remote_code_on": "ja: die Prüfrichtlinie erlaubt, dass Python-Code aus dem Modellverzeichnis beim Laden "
    "des Modells ausgeführt wird (trust_remote_code)",
    "run.id": "Lauf-Kennung",
    "run.trigger": "Auslöser",
    "run.state": "Zustand",
    "run.device": "Gerät",
    "run.started": "Gestartet",
    "run.finished": "Beendet",
    "run.seed": "Startwert des Laufs",
    "run.stat_seed": "Startwert der Statistik",
    # --- 5 data ---
    "data.lead": "Untersuchte geschützte Gruppen (Art. 10(2)(f)–(h)). Mindestgruppengröße: {min_size}; kleinere "
    "Gruppen sind Datenlücken und hervorgehoben.",
    "data.art4a": "Begründung nach Art. 4a (besondere Kategorien personenbezogener Daten)",
    "data.attributes": "In der Prüfrichtlinie deklarierte geschützte Merkmale",
    "data.col.attribute": "Merkmal",
    "data.col.source": "Quelle",
    "data.col.values": "Werte",
    "data.col.reference": "Referenz",
    "data.col.model_input": "Modelleingabe",
    "data.source_column": "Spalte {name}",
    "data.source_lexicon": "Lexikon {name}",
    "data.no_attributes": "Der Richtlinientext deklariert keine geschützten Merkmale.",
    "data.coverage": "Von den Prüfungen gesehene Gruppengrößen (größtes n je Prüfung und Gruppe)",
    "data.col.groups": "Gruppen (n)",
    "data.group_n": "{group} ({n})",
    "data.col.against": "Gegenüber Minimum",
    "data.below": "unter Minimum ({min_size})",
    "data.adequate": "ausreichend",
    "data.no_sizes": "Keine Prüfung hat Gruppengrößen gemeldet.",
    "data.gap": "Gruppe „{group}“ in Prüfung {check} hat n = {n}, unter der Mindestgruppengröße von {min_size}: "
    "Ihre Schätzungen sind unzuverlässig, und sie ist eine Datenlücke (Art. 10(2)(h)).",
    "data.gaps": "Datenlücken",
    "data.no_gaps": "Keine Gruppe unter der Mindestgröße gemeldet.",
    "data.profile_title": "Profil der Prüfdaten",
    "data.profile": "Profil der Prüfdaten ({n} Zeilen): alle Modelleingaben und Spalten geschützter Merkmale",
    "data.col.column": "Spalte",
    "data.col.unit": "Einheit",
    "data.col.range": "Wertebereich oder Kategorien",
    "data.col.missing": "Fehlend",
    "data.col.by_group": "Je Gruppe: Mittelwert (Median) oder häufigste Anteile",
    "data.more_categories": "+{n} weitere",
    "data.profile_missing": "Für diesen Lauf wurde kein Datenprofil aufgezeichnet: Er wurde von einer "
    "auditkit-Version vor Einführung der Datenprofile gespeichert. Wiederholen Sie die Prüfung, um es aufzuzeichnen.",
    "data.profile_unreadable": "Das mit diesem Lauf gespeicherte Datenprofil konnte nicht gelesen werden ({reason}).",
    "data.base_rates": "Günstiges Ergebnis ({label} = {value}) nach {attribute}: {groups} (Konfidenzintervalle "
    "zum Niveau {level}); {verdict}",
    "data.base_rate": "{group} {rate} [{low}, {high}] (n = {n})",
    "data.rates_overlap": "die Intervalle überschneiden sich, diese Daten zeigen also keinen klaren Unterschied "
    "zwischen den Gruppen.",
    "data.rates_differ": "die Intervalle von {pairs} überschneiden sich nicht, ihre Basisraten unterscheiden sich "
    "also.",
    "data.rates_single": "nur eine Gruppe enthält Zeilen, es gibt also nichts zu vergleichen.",
    "data.pair": "{a} und {b}",
    "data.training_description": "Trainingsdaten",
    "data.training_fingerprint": "Fingerabdruck der Trainingsdaten",
    # --- 6 results ---
    "results.lead": "Jede Messung mit Schwellenwert wird an ihrem ganzen Konfidenzintervall beurteilt: BESTANDEN "
    "nur, wenn das Intervall innerhalb der Toleranz liegt, NICHT BESTANDEN, wenn es ganz außerhalb liegt, sonst "
    "UNENTSCHIEDEN. p-Werte werden über den ganzen Bericht adjustiert ({correction}) und neben dem Rohwert gezeigt.",
    "results.method": "Methode.",
    "results.no_outcomes": "Der Lauf hat keine Prüfergebnisse.",
    "col.measurement": "Messung",
    "col.group": "Gruppe",
    "col.applies_to": "Bezug",
    "col.value": "Wert",
    "col.ci": "Konfidenzintervall",
    "col.ci_level": "Konfidenzintervall ({level})",
    "col.threshold": "Schwelle",
    "col.verdict": "Urteil",
    "col.n": "n",
    "col.p_raw": "p roh",
    "col.p_adj": "p adj.",
    "col.p_adjusted": "p adjustiert",
    "check.severity": "Schweregrad: {severity}",
    "check.blocking": "BLOCKIEREND",
    "check.ident": "Prüfung",
    "check.kind": "Art",
    "check.not_a_pass": "Diese Prüfung hat kein Urteil ergeben. Sie gilt nicht als bestanden.",
    "check.reason_error": "Nicht berechenbar (FEHLER)",
    "check.reason_skipped": "Nicht anwendbar (ÜBERSPRUNGEN)",
    "check.no_reason": "kein Grund aufgezeichnet",
    "check.criteria": "Abnahmekriterien:",
    "check.rationale": "Begründung:",
    "check.no_measurements": "Für diese Prüfung wurden keine Messungen aufgezeichnet.",
    "check.params": "Parameter des Laufs",
    "xcheck.agree": "Gegenprobe bei {layer}: Das Löschen von {attribute} ändert {erasure} [{erasure_low}, "
                    "{erasure_high}] der Entscheidungen; das Verschieben von {attribute} und seiner Stellvertreter in "
                    "den Eingaben ({check}, propagiert, alle Wertepaare) ändert {counterfactual} [{cf_low}, {cf_high}] "
                    "von {pairs} Paaren. Beide Eingriffe stimmen im Rahmen ihrer Intervalle überein.",
    "xcheck.disagree": "Gegenprobe bei {layer}: Das Löschen von {attribute} ändert {erasure} [{erasure_low}, "
                       "{erasure_high}] der Entscheidungen, das Verschieben von {attribute} und seiner Stellvertreter "
                       "in den Eingaben ({check}, propagiert, alle Wertepaare) dagegen {counterfactual} [{cf_low}, "
                       "{cf_high}] von {pairs} Paaren: Die beiden Eingriffe widersprechen sich über ihre Intervalle "
                       "hinaus. Das Löschen entfernt alle linearen Informationen über {attribute} aus der "
                       "Repräsentation, auch die Streuung der Stellvertreter innerhalb jeder Gruppe; die "
                       "kontrafaktische Prüfung verschiebt nur die genannten Stellvertreter über eine geschätzte "
                       "Abbildung. Beide Urteile sind mit diesem Wissen zu lesen.",
    "check.reason_prefix": " Grund: {reason}",
    "chart.lower": "Untergrenze (≥)",
    "chart.upper": "Obergrenze (≤)",
    "chart.forest_title": "{check}: Messungen mit {kind}",
    "chart.forest_caption": "{check}: Messungen mit {kind}; jeweils mit Konfidenzintervall (Balken) und "
    "Schwellenwert (gestrichelt).",
    "chart.value": "Wert",
    "chart.other": "sonstige",
    "chart.no_verdict": "kein Urteil",
    "chart.ci": "Konfidenzintervall",
    "chart.threshold": "Schwellenwert",
    "chart.whiskers": "Fehlerbalken",
    "no_rows": "Keine Zeilen.",
    # --- actions for findings ---
    "action.FAIL": "Ursache beheben und erneut prüfen; Freigabe nur mit in der Freigabe akzeptiertem Restrisiko.",
    "action.INCONCLUSIVE": "Das Intervall überdeckt den Schwellenwert: mehr Prüfdaten für die betroffenen Gruppen "
    "erheben, dann erneut prüfen. Nicht als Bestehen lesen.",
    "action.ERROR": "Die im Grund genannte Ursache beheben und die Prüfung wiederholen; sie hat keinen Nachweis "
    "erbracht.",
    "action.SKIPPED": "Bestätigen, dass die Prüfung auf dieses System nicht anwendbar ist, oder bereitstellen, "
    "was sie benötigt.",
    # --- 7 not assessed ---
    "na.absent": "In der Prüfrichtlinie fehlende Prüffamilien",
    "na.all_run": "Alle Standard-Prüffamilien wurden ausgeführt.",
    "na.absent_group": "{check} ({kind}): in der Prüfrichtlinie angegeben, aber nicht in den Prüfdaten enthalten, "
    "daher nicht geprüft: {groups}.",
    "na.outside": "Außerhalb des Prüfumfangs von auditkit",
    "not_covered.cybersecurity": "Cybersicherheit (Art. 15(5)): Widerstandsfähigkeit gegen unbefugte Versuche, "
    "Verwendung, Ausgaben oder Leistung zu verändern, einschließlich Datenvergiftung, Modellvergiftung und "
    "Angriffen auf die Vertraulichkeit — von auditkit nicht geprüft.",
    "not_covered.adversarial": "Robustheit gegenüber feindlichen Beispielen (Art. 15(5)): Eingaben, die gezielt "
    "Fehler auslösen sollen — von auditkit nicht geprüft; kontrafaktische Variationen ändern nur das geschützte "
    "Merkmal.",
    "not_covered.robustness": "Robustheit gegenüber Fehlern, Störungen und Unstimmigkeiten sowie "
    "Rückkopplungsschleifen (Art. 15(4)) — von auditkit nicht geprüft, außer durch die kontrafaktischen "
    "Variationen, die nur das geschützte Merkmal und seine Stellvertreter ändern.",
    "not_covered.record_keeping": "Aufzeichnungspflichten des Systems (Art. 12): ob es Ereignisse während seiner "
    "Lebensdauer protokolliert (Art. 12(2)(a)–(c)) — von auditkit nicht geprüft; das Prüfprotokoll (Anhang A) "
    "zeichnet diese Prüfung auf, nicht den Betrieb des Systems.",
    "not_covered.automation_bias": "Bewusstsein für Automatisierungsbias bei den Personen, die das System "
    "beaufsichtigen (Art. 14(4)(b)) — eine organisatorische Maßnahme, von auditkit nicht geprüft; die "
    "Übereinstimmung der Attributionsmethoden zeigt, wie weit den ihnen gezeigten Erklärungen zu trauen ist.",
    "not_covered.qms": "Das Qualitätsmanagementsystem des Anbieters (Art. 17) — von auditkit nicht geprüft; dieser "
    "Bericht ist eine seiner gelenkten Aufzeichnungen (Dokumentenlenkung, Änderungshistorie, Freigabe).",
    "not_covered.training_data": "Qualität der Trainingsdaten (Art. 10(2)(a)–(e)): Konzeptionsentscheidungen, "
    "Erhebung und Herkunft, Aufbereitung, Annahmen und Eignung der Trainings- und Validierungsdaten — von "
    "auditkit nicht geprüft, da es nur die Prüf-(Test-)Daten sieht.",
    # --- 8 findings ---
    "findings.col.subject": "Gegenstand",
    "findings.col.severity": "Schweregrad",
    "findings.col.action": "Erforderliche Maßnahme",
    "findings.none": "Keine Feststellungen: Alle Prüfungen bestanden.",
    "findings.residual": "Restrisiko",
    "residual.open": "{n} Feststellung(en) offen, davon {blocking} blockierend.",
    "residual.not_assessed": "{n} der 5 Standard-Prüffamilien und {m} ständige Punkte wurden nicht geprüft "
    "(Abschnitt 7); die Risiken, die sie betreffen, sind nicht quantifiziert.",
    "residual.acceptance": "Dieser Bericht akzeptiert kein Restrisiko. Die Akzeptanz (Art. 9(5)) ist die "
    "Entscheidung der Personen, die in Abschnitt 10 unterzeichnen.",
    # --- 9 changes ---
    "changes.previous_run": "Vorige Prüfung: Lauf",
    "changes.of": "vom",
    "changes.first": "Es wurde keine vorige Prüfung dieses Systems übergeben; dieser Bericht gilt als erste "
    "Prüfung.",
    "changes.artefacts": "Artefakte und Entscheidung",
    "changes.col.item": "Gegenstand",
    "changes.col.previous_audit": "Vorige Prüfung",
    "changes.col.this_audit": "Diese Prüfung",
    "changes.col.change": "Änderung",
    "changes.col.previous": "Vorher",
    "changes.col.now": "Jetzt",
    "changes.col.difference": "Differenz",
    "changes.system_version": "Systemversion",
    "changes.model_fp": "Fingerabdruck des Modells",
    "changes.dataset_fp": "Fingerabdruck des Datensatzes",
    "changes.same": "gleich",
    "changes.changed": "GEÄNDERT",
    "changes.status_table": "Status der Prüfungen, vorher → jetzt",
    "changes.not_run": "nicht ausgeführt",
    "changes.new": "neue Prüfung",
    "changes.removed": "entfernte Prüfung",
    "changes.unchanged": "unverändert",
    "changes.status_changed": "Status geändert",
    "changes.measurements": "Messungen mit Schwellenwert, die in beiden Prüfungen vorkommen",
    "changes.summary_changed": "Seit der vorigen Prüfung geändert: {items}.",
    "changes.summary_same": "Modell, Daten und Prüfrichtlinie sind seit der vorigen Prüfung unverändert.",
    "changes.summary_new": "Neue Prüfungen: {ids}.",
    "changes.summary_removed": "Nicht mehr ausgeführte Prüfungen: {ids}.",
    "changes.summary_moved": "{n} Prüfung(en) mit geändertem Status.",
    "changes.summary_none_moved": "Keine gemeinsame Prüfung hat ihren Status geändert.",
    # Trenddiagramme in Abschnitt 9 (auditkit.report.trend)
    "changes.trends": "Verlauf der Kennzahlen",
    "changes.trend_lead": "Jede Messung dieser Prüfung, für die ein Schwellenwert gilt, über die gespeicherten "
    "Prüfungen dieses Systems (höchstens die letzten {n}), die älteste zuerst: der Wert mit seinem "
    "Konfidenzintervall je Prüfung und der damals geltende Schwellenwert (gestrichelt).",
    "changes.trend_this": "diese Prüfung",
    "changes.trend_title": "{check}: {name} im Verlauf",
    "changes.trend_caption": "{check}: {name} in {n} Prüfungen, jeweils mit Konfidenzintervall; gestrichelt: der "
    "Schwellenwert.",
    "changes.trend_more": "{n} weitere Messung(en) mit Schwellenwert sind nicht dargestellt; siehe die Tabellen "
    "oben.",
    # --- 10 sign-off ---
    "signoff.lead": "Prüfberichte müssen von den verantwortlichen Personen datiert und unterzeichnet werden "
    "(Anhang IV Nummer 2 Buchstabe g).",
    "signoff.col.name": "Name",
    "signoff.col.function": "Funktion",
    "signoff.col.role": "Rolle",
    "signoff.col.decision": "Entscheidung",
    "signoff.col.time": "Zeit (UTC)",
    "signoff.col.report": "Bericht und sein SHA-256",
    "signoff.record": "Freigabe-Datensatz",
    "signoff.note": "Freigaben werden an die Ergebnisdatenbank angehängt und per Hash verkettet: Der SHA-256 jedes "
    "Datensatzes umfasst den vorigen. Eine Freigabe bezieht sich auf die Berichtsversion und den Hash, die sie "
    "genehmigt hat; dieser Bericht listet alle Freigaben, die beim Erstellen für den Lauf aufgezeichnet waren.",
    "signoff.hint": "Keine Freigabe aufgezeichnet. Aufzeichnen mit "
    "`auditkit signoff RUN --by NAME --role ROLE --decision approve|reject`.",
    # --- annexes ---
    "annex.log_lead": "Eine Zeile je Prüfung, wie sie lief; test-log.jsonl (Anhang C) enthält die vollständigen "
    "Fingerabdrücke und die Parameter.",
    "annex.log.kind": "Art",
    "annex.log.version": "Vers.",
    "annex.log.fingerprint": "Fingerabdruck (Anfang)",
    "annex.log.seed": "Startwert",
    "annex.log.started": "Gestartet (UTC)",
    "annex.log.duration": "Dauer",
    "annex.policy_lead": "Die Prüfrichtlinie genau so, wie sie mit dem Lauf gespeichert wurde (SHA-256 in "
    "Abschnitt 3).",
    "annex.policy_print": "Die Prüfrichtlinie genau so, wie sie mit dem Lauf gespeichert wurde ({lines} Zeilen), "
    "ist in dieses PDF als policy.yaml eingebettet (siehe unten; ihr SHA-256 steht in Abschnitt 3). Die Abschnitte "
    "2, 3 und 6 geben wieder, was sie festlegt: das System und seinen Kontext, jede Prüfung mit ihren "
    "Schwellenwerten und Parametern und die Begründung jeder Prüfung. Die HTML-Fassung dieses Berichts zeigt den "
    "vollständigen Text.",
    "annex.manifest": "Verzeichnis der Anlagen",
    "annex.manifest_lead": ("In die PDF-Fassung dieses Berichts eingebettet, zusammen mit manifest.json (SHA-256 "
                            "dieser Dateien, des Modells, der Daten und der HTML-Fassung dieses Berichts; sein "
                            "eigener Hashwert kann hier nicht stehen) und, falls signiert, manifest.sig und "
                            "manifest.pub.pem. `auditkit verify` prüft sie erneut."),
    "annex.col.file": "Datei",
    "annex.col.content": "Inhalt",
    "annex.col.size": "Größe",
    "annex.col.sha": "SHA-256",
    "annex.trace.requirement": "Anforderung",
    "annex.trace.demand": "Inhalt der Anforderung",
    "annex.trace.section": "Berichtsabschnitt",
    "annex.trace.evidence": "Nachweis",
    "annex.trace.status": "Abdeckung und Status",
    "trace.coverage.tested": "geprüft",
    "trace.coverage.partly": "teilweise geprüft (Rest: Abschnitt 7)",
    "trace.coverage.documented": "dokumentiert",
    "trace.coverage.not_assessed": "nicht geprüft",
    "annex.trace.absent": "7 Nicht geprüft (keine Prüfung der Art {kind})",
    "annex.colophon": "Erstellt von {generator} aus gespeicherten Laufergebnissen. Bericht {report_id} {version}, "
    "{date}.",
    # --- check families ---
    "family.performance.title": "Leistung und nach Gruppen aufgeschlüsselte Genauigkeit",
    "family.performance.method": "Genauigkeit und Fehlerraten insgesamt und je Gruppe, mit Wilson-Intervallen "
    "für Anteile.",
    "family.performance.not_assessed": "Leistung: nicht geprüft — die Prüfrichtlinie enthält keine Prüfung der Art "
    "performance, daher kein Nachweis zum Genauigkeitsniveau insgesamt oder je Gruppe (Art. 13(3)(b)(ii),(v), "
    "Art. 15(1),(3)).",
    "family.group_fairness.title": "Gruppenfairness",
    "family.group_fairness.method": "Unterschiede der Auswahl- und Fehlerraten zwischen Gruppen, mit stratifizierten "
    "Bootstrap-Intervallen, am ganzen Intervall gegen den Schwellenwert der Prüfrichtlinie beurteilt.",
    "family.group_fairness.not_assessed": "Gruppenfairness: nicht geprüft — die Prüfrichtlinie enthält keine "
    "Prüfung der Art group_fairness, daher kein Nachweis, ob Entscheidungen oder Fehlerraten zwischen geschützten "
    "Gruppen abweichen (Art. 10(2)(f)).",
    "family.prohibited_feature_use.title": "Verwendung verbotener Merkmale und Stellvertreter",
    "family.prohibited_feature_use.method": "Sonden zeigen, ob ein geschütztes Merkmal kodiert ist; Eingriffe "
    "(Löschung, Kontrafakten) zeigen, ob es verwendet wird. Das Urteil beruht auf dem Eingriff.",
    "family.prohibited_feature_use.not_assessed": "Verwendung verbotener Merkmale: nicht geprüft — die "
    "Prüfrichtlinie enthält keine Prüfung der Art prohibited_feature_use, daher kein Nachweis, ob das Modell ein "
    "geschütztes Merkmal oder seine Stellvertreter kodiert oder verwendet.",
    "family.attribution_agreement.title": "Übereinstimmung der Attributionsmethoden",
    "family.attribution_agreement.method": "Übereinstimmung zwischen Erklärungsmethoden (Rangkorrelation, "
    "Top-k-Überlappung) als Test, ob den Aufsichtspersonen gezeigten Erklärungen vertraut werden kann.",
    "family.attribution_agreement.not_assessed": "Übereinstimmung der Attributionen: nicht geprüft — die "
    "Prüfrichtlinie enthält keine Prüfung der Art attribution_agreement, daher kein Nachweis, ob die den "
    "Aufsichtspersonen gezeigten Erklärungen konsistent sind (Art. 14(4)(c), Art. 86).",
    "family.counterfactual_sweep.title": "Kontrafaktische Variationen",
    "family.counterfactual_sweep.method": "Umschlagraten und Score-Änderungen, wenn nur das geschützte Merkmal "
    "geändert wird, mit Intervallen.",
    "family.counterfactual_sweep.not_assessed": "Kontrafaktische Variationen: nicht geprüft — die Prüfrichtlinie "
    "enthält keine Prüfung der Art counterfactual_sweep, daher kein Nachweis, ob eine Änderung des geschützten "
    "Merkmals Entscheidungen ändert.",
    "family.other.title": "Weitere Prüfungen",
    "family.other.method": "Prüfungen von Arten außerhalb der fünf Standardfamilien.",
    # --- Annex D ---
    "def.accuracy.term": "Genauigkeit (Accuracy)",
    "def.accuracy.text": "Anteil der Beispiele, deren Entscheidung dem wahren Label entspricht: (TP + TN) / n.",
    "def.fpr.term": "Falsch-Positiv-Rate (FPR)",
    "def.fpr.text": "P(ŷ = 1 | y = 0): Anteil der tatsächlich ungünstigen Fälle, die günstig entschieden wurden.",
    "def.fnr.term": "Falsch-Negativ-Rate (FNR)",
    "def.fnr.text": "P(ŷ = 0 | y = 1) = 1 − TPR: Anteil der tatsächlich günstigen Fälle, die abgelehnt wurden.",
    "def.favourable.term": "Günstige Entscheidung",
    "def.favourable.text": "Die Entscheidung des Modells, die die Prüfrichtlinie als für die Person günstig festlegt "
    "(z. B. Kredit bewilligt, Bewerbung in die engere Wahl); ŷ = 1. Das günstige Ergebnis (y = 1) ist das "
    "tatsächliche Ergebnis, das vorhergesagt werden soll (z. B. Kredit zurückgezahlt).",
    "def.selection_rate.term": "Auswahlrate",
    "def.selection_rate.text": "P(ŷ = 1 | A = a): Anteil der Gruppe a, der die günstige Entscheidung erhält.",
    "def.dp_difference.term": "Differenz der demografischen Parität",
    "def.dp_difference.text": "Maximum der Auswahlrate über die Gruppen minus Minimum (fairlearn, Methode "
    "between_groups). 0 ist Parität.",
    "def.dp_ratio.term": "Verhältnis der demografischen Parität",
    "def.dp_ratio.text": "Minimum der Auswahlrate über die Gruppen geteilt durch das Maximum. 1 ist Parität.",
    "def.eo_difference.term": "Differenz der Equalized Odds",
    "def.eo_difference.text": "Die größere der Differenzen zwischen Gruppen in TPR und in FPR (ungünstigster Fall). "
    "0 ist Parität.",
    "def.eop_difference.term": "Differenz der Chancengleichheit (Equal Opportunity)",
    "def.eop_difference.text": "Nur die Differenz der TPR (Trefferquote des günstigen Labels) zwischen Gruppen.",
    "def.impact_ratio.term": "Vier-Fünftel-Verhältnis (Impact Ratio)",
    "def.impact_ratio.text": "Je Gruppe die Auswahlrate geteilt durch die höchste Auswahlrate einer Gruppe; unter "
    "0.8 ist ein Hinweis auf nachteilige Wirkung nach der Vier-Fünftel-Regel (29 CFR 1607.4(D)).",
    "def.wilson.term": "Wilson-Intervall",
    "def.wilson.text": "Score-Intervall für einen Anteil k/n; bleibt in [0, 1] und hält seine Überdeckung für "
    "kleine Gruppen und für Raten nahe 0 oder 1.",
    "def.bootstrap.term": "Stratifizierter Bootstrap",
    "def.bootstrap.text": "Ziehen mit Zurücklegen innerhalb jeder Gruppe (so verschwindet keine Gruppe aus einer "
    "Stichprobe); das Intervall ist das Perzentilintervall der Statistik, invariant für Verhältniskennzahlen.",
    "def.holm.term": "Holm-Korrektur",
    "def.holm.text": "Schrittweise familienweise Korrektur: die m rohen p-Werte sortieren; adjustiert "
    "p̃(i) = Maximum über j ≤ i von min(1, (m − j + 1) p(j)). Kontrolliert die familienweise Fehlerrate.",
    "def.bonferroni.term": "Bonferroni-Korrektur",
    "def.bonferroni.text": "Adjustiert p = min(1, m p). Kontrolliert die familienweise Fehlerrate; konservativer "
    "als Holm.",
    "def.fdr_bh.term": "Benjamini–Hochberg (fdr_bh)",
    "def.fdr_bh.text": "Adjustiert p̃(i) = Minimum über j ≥ i von min(1, m p(j) / j). Kontrolliert die False "
    "Discovery Rate (Screening, keine Bestätigung).",
    "def.verdict.term": "Urteilsregel",
    "def.verdict.text": "BESTANDEN nur, wenn das ganze Konfidenzintervall innerhalb der Toleranz liegt, NICHT "
    "BESTANDEN, wenn es ganz außerhalb liegt, sonst UNENTSCHIEDEN. Ein Punktschätzer allein wird nie mit einem "
    "Schwellenwert verglichen.",
    "def.status.term": "Status",
    "def.status.text": "Womit der Lauf einer Prüfung endete: ihr Urteil (BESTANDEN, NICHT BESTANDEN, "
    "UNENTSCHIEDEN), FEHLER (nicht berechenbar) oder ÜBERSPRUNGEN (nicht anwendbar). Nur BESTANDEN ist ein "
    "Bestehen.",
    "def.decisive.term": "Entscheidend, diagnostisch",
    "def.decisive.text": "Eine entscheidende Messung hat die entscheidende Regel der Prüfung gelesen; eine "
    "diagnostische erklärt das Ergebnis, hat es aber nicht entschieden (Anhang B).",
    "def.gate.term": "Freigabeentscheidung",
    "def.gate.text": "Die aus den Status abgeleitete Entscheidung über die Freigabe: NICHT BESTANDEN, wenn eine "
    "Prüfung der Schwere „blocker“ nicht bestanden hat, nicht berechnet werden konnte oder unentschieden blieb (wie "
    "der Abschnitt gate der Prüfrichtlinie festlegt), sonst BESTANDEN.",
    # --- Annex E ---
    "trace.art9_8.demand": "Tests anhand vorab festgelegter Kennzahlen und probabilistischer Schwellenwerte",
    "trace.art9_8.evidence": "SHA-256 und Gültigkeitsdatum der Prüfrichtlinie gegenüber dem Start des Laufs; "
    "Schwellenwerte je Prüfung",
    "trace.art9_2d.demand": "Risikomanagementmaßnahmen; Restrisiko als vertretbar beurteilt",
    "trace.art9_2d.evidence": "Feststellungen mit erforderlichen Maßnahmen; Freigabeentscheidungen",
    "trace.art10_2f.demand": "Untersuchung auf Verzerrungen, Maßnahmen zu ihrer Erkennung, Datenlücken",
    "trace.art10_2f.evidence": "Gruppengrößen, Gruppen unter dem Minimum, Disparitätskennzahlen mit Intervallen",
    "trace.art13_3bv.demand": "Leistung in Bezug auf bestimmte Personen oder Gruppen",
    "trace.art13_3bv.evidence": "Genauigkeit und Fehlerraten je Gruppe mit Intervallen",
    "trace.art15_1.demand": "Angemessene Genauigkeit; angegebene Genauigkeitskennzahlen",
    "trace.art15_1.evidence": "Gesamtgenauigkeit mit Intervall gegenüber dem Schwellenwert der Prüfrichtlinie",
    "trace.art15_5.demand": "Cybersicherheit und Robustheit gegenüber feindlichen Eingaben",
    "trace.art15_5.evidence": "Als nicht geprüft ausgewiesen",
    "trace.annex4_2g.demand": "Validierungs- und Testverfahren, Kennzahlen, datierte und unterzeichnete "
    "Testprotokolle",
    "trace.annex4_2g.evidence": "Umgebung, Startwerte, Hashes, Prüfprotokoll, Freigabetabelle",
    "trace.annex4_6.demand": "Änderungen am System über seinen Lebenszyklus; ob eine davon eine wesentliche "
    "Änderung ist",
    "trace.annex4_6.evidence": "Änderungen von Fingerabdrücken, Schwellenwerten und Status seit der vorigen "
    "Prüfung; Verläufe",
    "trace.art12.demand": "Automatische Aufzeichnung von Ereignissen während der Lebensdauer des Systems",
    "trace.art12.evidence": "Als nicht geprüft ausgewiesen (das Prüfprotokoll zeichnet diese Prüfung auf, nicht "
    "das System)",
    "trace.art14_4b.demand": "Aufsichtspersonen bleiben sich der Gefahr des Automatisierungsbias bewusst",
    "trace.art14_4b.evidence": "Wie weit den Aufsichtspersonen gezeigten Erklärungen zu trauen ist; die "
    "organisatorische Maßnahme ist nicht geprüft",
    "trace.art15_4.demand": "Robustheit gegenüber Fehlern, Störungen und Unstimmigkeiten; Rückkopplungsschleifen",
    "trace.art15_4.evidence": "Stabilität der Entscheidungen, wenn sich das geschützte Merkmal und seine "
    "Stellvertreter ändern; der Rest ist nicht geprüft",
    "trace.art17.demand": "Qualitätsmanagement: gelenkte Aufzeichnungen der Verifizierung und Validierung",
    "trace.art17.evidence": "Berichtskennung, Version, Änderungshistorie, Unterschriftsblöcke und hashverkettete "
    "Freigabe",
    "trace.art14_4c.demand": "Aufsichtspersonen interpretieren die Ausgabe mit den verfügbaren Werkzeugen korrekt",
    "trace.art14_4c.evidence": "Übereinstimmung zwischen Attributionsmethoden",
    "trace.art86.demand": "Klare und aussagekräftige Erläuterung der wichtigsten Elemente einer Entscheidung",
    "trace.art86.evidence": "Übereinstimmung der Attributionen und kontrafaktische Umschlagraten",
    "unit.pp": "PP",
    "outcome.not_run": "Nicht ausgeführt: {reason}.",
    "outcome.error": "Konnte nicht berechnet werden: {reason}",
    "findings.cause": "Gemeinsame Ursache: {cause}",
    "findings.cause.feature": "das Eingabemerkmal {name}",
    "findings.cause.attribute": "das geschützte Merkmal {name}",
    "check.criterion_rule": "Entschieden durch: {rule}",
    "outcome.error_note": (
        "auditkit ist in dieser Prüfung gescheitert; bitte melden Sie den Fehler mit dem Traceback aus "
        "results.json."
    ),
    "outcome.exit_note": (
        "Von dieser Prüfung aufgerufener Code (meist das Modell) hat eine prozessbeendende Ausnahme "
        "ausgelöst; sie wurde hier abgefangen, damit der Lauf endet und die Freigabe nicht darauf "
        "bestehen kann. Entfernen Sie sys.exit() und ähnliche Aufrufe aus dem Modellcode."
    ),
    "spec.scale_fixed": "fest auf [{lo}, {hi}]",
    "spec.scale_data": "aus den Daten",
    "spec.shade": "{label}, dunkler ist höher",
    "spec.shade_diverging": "{label}, zentriert bei 0: rot darunter, blau darüber, dunkler je weiter von 0",
    "spec.heatmap_caption": "{title}. Schattierung: {shade} (Skala {scale}).",
    "spec.hatched": "Schraffierte Zellen (—) haben keinen Wert.",
    "spec.values_omitted": "Zellwerte sind ausgelassen: die Zellen sind zu klein, um sie zu drucken.",
    "spec.lines_caption": "{title}. Die Reihen unterscheiden sich in Farbe, Strichmuster und Markierung.",
    "spec.bands": "Schattierte Bänder: das Intervall von unterer bis oberer Grenze.",
    "spec.references": "Gestrichelte Linien: Referenzwerte ({refs}).",
    "spec.unlabelled": "ohne Bezeichnung",
    "spec.reference": "Referenz",
    "spec.interval": "Intervall von unterer bis oberer Grenze",
    "spec.whiskers": "Fehlerbalken: Intervall von unterer bis oberer Grenze.",
    "spec.dashed": "Gestrichelte Linie: {label}.",
    "spec.missing": "Ohne Wert, nicht gezeichnet: {labels}.",
    "spec.not_drawn": "Diagramm konnte nicht gezeichnet werden: {reason}",
    "check.diagnostic": "diagnostisch",
    "check.decisive_note": (
        "Als „diagnostisch“ markierte Messungen gingen nicht in die entscheidende Regel ein; sie "
        "erläutern sie."
    ),
    "outcome.requires": "Nicht ausgeführt: {kind} benötigt {abilities}, was der {adapter} nicht bietet.",
    "explain.gradient.unsupported": "der {adapter} stellt keine Gradienten bereit (SupportsGradients)",
    "explain.tree.unsupported": "der {adapter} legt seine Bäume nicht offen (SupportsTreeStructure)",
    "explain.tree.path_needs_logit": ("die eigene TreeSHAP-Implementierung der Bibliotheken zerlegt nur die Log-Odds "
                                       "(Rohwert); erklären Sie den Logit (explained: logit)"),
    "explain.gradient.embedding_unused": (
        "die Einbettungsschicht lief im Vorwärtsdurchlauf nicht, daher erreichen keine Gradienten die "
        "Tokens"
    ),
    "explain.gradient.no_graph": (
        "der Score des Modells hat keinen Autograd-Graphen zurück zu seinen Eingaben (sein "
        "Vorwärtsdurchlauf trennt den Graphen ab, rundet oder verlässt torch), daher lassen sich keine "
        "Gradienten bilden"
    ),
    "explain.gradient.failed": "die Gradientenberechnung durch das Modell ist fehlgeschlagen ({error})",
    "explain.gradient.not_differentiable": "der Score des Modells hängt nicht differenzierbar von seinen Eingaben ab",
    "explain.gradient.not_finite": "die Gradienten des Modell-Scores sind auf den Prüfinstanzen nicht endlich",
    "explain.gradient.zero": (
        "die Gradienten des Modell-Scores sind an jedem Prüfpunkt null (Instanzen, Punkte auf ihren "
        "Pfaden von der Baseline und Hintergrundzeilen): Das Modell ist stückweise konstant (Rundungen "
        "oder Schwellen im Inneren) oder gesättigt, daher würden Gradientenmethoden nichts zuordnen"
    ),
    "section.opinion": "Prüfurteil",
    "opinion.lead": (
        "Die Entscheidung, die diese Prüfung stützt, die Zahlen, die sie tragen, und was als Nächstes "
        "geschehen muss. Die Ergebnisabschnitte (6) enthalten die Methode und jede Zahl mit ihrem "
        "Intervall."
    ),
    "opinion.decision.release": "Freigabe: {system} erfüllt jedes Abnahmekriterium seiner Richtlinie.",
    "opinion.decision.conditions": (
        "Freigabe unter Auflagen: {system} erfüllt jedes blockierende Kriterium, aber es bleiben "
        "Feststellungen, die behoben oder ausdrücklich akzeptiert werden müssen."
    ),
    "opinion.decision.do_not_release": (
        "Keine Freigabe: {system} verfehlt mindestens ein blockierendes Kriterium seiner Richtlinie."
    ),
    "opinion.decision.none": (
        "Keine Entscheidung: Die Prüfung von {system} wurde nicht abgeschlossen, daher lässt sich aus ihr"
        " keine Freigabeentscheidung ableiten."
    ),
    "opinion.numbers": "Die tragenden Zahlen",
    "opinion.rates": (
        "Wie oft jede Gruppe die günstige Entscheidung erhält und wie oft das günstige Ergebnis in dieser"
        " Gruppe tatsächlich eintritt: {groups}."
    ),
    "opinion.group_rate": "{group}: günstig entschieden {rate}, günstiges Ergebnis {base}",
    "opinion.rates_profile": (
        "Wie oft jede Gruppe die günstige Entscheidung erhält und wie oft das günstige Ergebnis in dieser Gruppe"
        " tatsächlich eintritt (in Klammern: der Bereich, der es mit {level} Konfidenz enthält): {groups}. {verdict}"
    ),
    "opinion.group_base": "{group}: günstig entschieden {rate}, günstiges Ergebnis {base} ({low} bis {high})",
    "opinion.base_rates": (
        "Wie oft das günstige Ergebnis in jeder Gruppe tatsächlich eintritt (in Klammern: der Bereich, der es mit"
        " {level} Konfidenz enthält): {groups}. {verdict}"
    ),
    "opinion.group_base_only": "{group}: {base} ({low} bis {high})",
    "opinion.base_overlap": (
        "Die Bereiche überschneiden sich: Die Daten zeigen keinen klaren Unterschied zwischen den Gruppen darin,"
        " wie oft das günstige Ergebnis eintritt."
    ),
    "opinion.base_differ": (
        "Die Bereiche von {pairs} überschneiden sich nicht: Das günstige Ergebnis tritt in diesen Gruppen"
        " unterschiedlich oft ein."
    ),
    "opinion.number": "{name}: {value} ({interval}); {limit}. {verdict}",
    "opinion.interval": "{level} Konfidenz: {low} bis {high}",
    "opinion.limit_max": "die Richtlinie erlaubt höchstens {limit}",
    "opinion.limit_min": "die Richtlinie verlangt mindestens {limit}",
    "opinion.verdict.FAIL": "Dieses Kriterium ist nicht erfüllt.",
    "opinion.verdict.PASS": "Dieses Kriterium ist erfüllt.",
    "opinion.verdict.INCONCLUSIVE": "Die Daten zeigen nicht, ob dieses Kriterium erfüllt ist.",
    "opinion.verdict.ERROR": "Dieses Kriterium konnte nicht beurteilt werden.",
    "opinion.verdict.SKIPPED": "Dieses Kriterium wurde nicht geprüft.",
    "opinion.causes": "Ursache",
    "opinion.cause": "{cause} steht hinter den Feststellungen {refs}.",
    "opinion.causes_none": "Die Nachweise nennen keine Ursache, die mehreren Feststellungen gemeinsam ist.",
    "opinion.conditions": "Bedingungen für eine Freigabe",
    "opinion.condition_fix": "{ref} ({title}) beheben und erneut prüfen.",
    "opinion.condition_accept": "{ref} ({title}) beheben oder in der Freigabe schriftlich akzeptieren.",
    "opinion.conditions_none": "Keine.",
    "opinion.override": "Übersteuern einer blockierenden Feststellung",
    "opinion.override_roles": (
        "Nur eine Freigabe in der Rolle {roles} darf das System trotz einer blockierenden Feststellung "
        "freigeben (Richtlinie gate.override_roles); die Freigabe hält fest, wer das tat und warum."
    ),
    "opinion.override_none": (
        "Niemand darf das System trotz einer blockierenden Feststellung freigeben: Die Richtlinie nennt "
        "dafür keine Rolle (gate.override_roles)."
    ),
    "opinion.signoff_title": "Freigabe",
    "opinion.signoff": "Letzte Freigabeentscheidung: {name} ({role}), {decision}, {date}.",
    "opinion.signoff_none": "Noch nicht freigegeben (Abschnitt 10).",
    "opinion.signoff_decision.approve": "genehmigt",
    "opinion.signoff_decision.reject": "abgelehnt",
    "opinion.residual_title": "Restrisiko",
    "opinion.residual": (
        "Diese Prüfung testet, was ihre Richtlinie verlangt, und nichts sonst (Abschnitt 7 nennt, was "
        "nicht geprüft wurde); das Restrisiko zu akzeptieren (Art. 9 Abs. 5) ist die Entscheidung der "
        "Personen, die Abschnitt 10 unterzeichnen."
    ),
    "opinion.measure.performance.accuracy": "Anteil richtiger Entscheidungen",
    "opinion.measure.performance.selection_rate": "Anteil günstiger Entscheidungen",
    "opinion.measure.group_fairness.demographic_parity_difference": (
        "Unterschied zwischen den Gruppen beim Anteil günstiger Entscheidungen"
    ),
    "opinion.measure.group_fairness.demographic_parity_ratio": (
        "Anteil günstiger Entscheidungen der am wenigsten begünstigten Gruppe im Verhältnis zur am "
        "meisten begünstigten"
    ),
    "opinion.measure.group_fairness.equalized_odds_difference": (
        "Größter Unterschied zwischen den Gruppen darin, wie oft das Modell bei berechtigten und "
        "unberechtigten Fällen richtig liegt"
    ),
    "opinion.measure.group_fairness.equal_opportunity_difference": (
        "Unterschied zwischen den Gruppen darin, wie oft berechtigte Fälle günstig entschieden werden"
    ),
    "opinion.measure.prohibited_feature_use.sae_ablation_flip_rate": (
        "Entscheidungen, die sich ändern, wenn die internen Merkmale des Modells, die das geschützte Attribut "
        "abbilden, abgeschaltet werden"
    ),
    "opinion.measure.prohibited_feature_use.erasure_flip_rate": (
        "Entscheidungen, die sich ändern, wenn das geschützte Merkmal aus den Berechnungen des Modells "
        "entfernt wird"
    ),
    "opinion.measure.prohibited_feature_use.input_counterfactual_flip_rate": (
        "Entscheidungen, die sich ändern, wenn das geschützte Merkmal und die Eingaben, die es tragen, "
        "geändert werden"
    ),
    "opinion.measure.counterfactual_sweep.flip_rate": (
        "Entscheidungen, die sich für dieselbe Person ändern, wenn sich nur das geschützte Merkmal (und "
        "was es trägt) ändert"
    ),
    "opinion.measure.counterfactual_sweep.mean_abs_change": (
        "Mittlere Änderung des Modell-Scores für dieselbe Person, wenn sich nur das geschützte Merkmal "
        "ändert"
    ),
    "findings.register_lead": (
        "Eine Zeile je Feststellung, blockierende zuerst, dann nach Schweregrad. Die Spalte Nachweis "
        "verweist auf den Ergebnisabschnitt; Verantwortliche und Fälligkeit stammen aus dem Eintrag der "
        "Prüfung in der Richtlinie (owner, remediation_days)."
    ),
    "findings.col.status": "Status und Schweregrad",
    "findings.col.evidence": "Nachweis",
    "findings.col.owner": "Verantwortlich und fällig",
    "findings.col.cause": "Ursache",
    "findings.col.register": "Im Register",
    "findings.section": "Abschnitt {number}",
    "findings.due": "fällig",
    "findings.see_register": "{ref} in Abschnitt 8",
    "section.annex-b": "Anhang B. Diagnosen je Prüfung",
    "annex.diagnostics_lead": (
        "Was jede Prüfung über die Zahlen hinaus gemessen hat, auf denen ihr Urteil beruht: die "
        "Messungen, die ihre entscheidende Regel nicht gelesen hat, weitere Diagramme, die ausführlichen "
        "Tabellen, Hinweise und die Parameter, mit denen sie lief. Jeder Block verweist zurück auf seinen"
        " Ergebnisabschnitt. Ein Diagramm, das nur eine Tabelle seines Blocks abbildet (eine Heatmap der "
        "Paartabelle, eine Kurve der Tabelle je Schicht), erscheint in der HTML-Ausgabe; auf Papier trägt die "
        "Tabelle seine Zahlen."
    ),
    "findings.remediation": "Abhilfemöglichkeiten (Art. 10(2)(g))",
    "findings.remediation_lead": "Was die Eingriffe dieser Prüfung über die Wirkung einer Abhilfe zeigen, mit "
    "Intervallen und Vorbehalten: Grundlage für die Wahl einer Maßnahme, keine getroffene Maßnahme.",
    "check.to_diagnostics": "Diagnostische Messungen, ausführliche Tabellen und Parameter: Anhang B",
    "check.back_to_result": "zurück zum Ergebnis",
    "check.diagnostic_measurements": "Messungen, die die entscheidende Regel nicht gelesen hat (diagnostisch)",
    "check.meaning": "Was das bedeutet:",
    "signoff.block.prepared": "Erstellt von",
    "signoff.block.reviewed": "Geprüft von",
    "signoff.block.approved": "Freigegeben von",
    "signoff.statement.prepared": "Ich habe diese Prüfung wie in den Abschnitten 3 und 4 beschrieben erstellt.",
    "signoff.statement.reviewed": (
        "Ich habe diesen Bericht unabhängig von der Entwicklung des geprüften Modells geprüft."
    ),
    "signoff.statement.approved": (
        "Ich entscheide über die Freigabe wie angegeben, unabhängig von der Entwicklung des geprüften "
        "Modells, und akzeptiere das in Abschnitt 8 genannte Restrisiko."
    ),
    "signoff.col.signature": "Unterschrift",
    "revision.signed": "freigegeben von {name} ({role}): {decision}, {time}",
    "revision.this": "diese Fassung, erstellt {date}, mit {n} Freigabe(n)",
    "doc.revisions": "Versionsverlauf des Berichts zu diesem Lauf",
    "cover.latest_signoff": "Letzte Freigabeentscheidung: {name} ({role}), {decision}, {time}",
    # --- the HTML report on screen (navigation, table filter and sort, collapsible annexes; report.js) ---
    "screen.nav": "Navigation im Bericht",
    "screen.filter": "Zeilen filtern",
    "screen.filter_placeholder": "Zeilen filtern …",
    "screen.rows_shown": "{shown} von {total} Zeilen",
    "screen.sort": "Klicken, um nach dieser Spalte zu sortieren",
    "screen.show": "einblenden",
    "screen.hide": "ausblenden",
    "screen.expand_all": "Alles aufklappen",
    "screen.collapse_all": "Anhänge zuklappen",
    "fmt.reference": "Referenzgruppe",
}
