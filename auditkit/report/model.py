"""The report view: frozen records holding every string a report template prints.

:func:`auditkit.report.view.build_view` turns a stored :class:`~auditkit.results.RunRecord`
into a :class:`ReportView`. Every number is already a string with its final
precision, every missing human-supplied field is already marked, and charts are
already SVG, so the templates only lay out text. This keeps the renderer
deterministic and lets tests inspect the report content without parsing HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Check statuses, most serious first (a family's navigation mark is the first one any of its checks has).
_MOST_SERIOUS_FIRST = ("FAIL", "ERROR", "INCONCLUSIVE", "SKIPPED", "PASS")


@dataclass(frozen=True)
class Item:
    """One labelled value; ``missing`` marks a human-supplied field that was not provided."""

    label: str
    value: str
    missing: bool = False
    mono: bool = False


@dataclass(frozen=True)
class Table:
    """A table of pre-formatted cells; ``numeric`` right-aligns columns, ``flagged`` highlights rows."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    flagged: tuple[bool, ...] = ()
    note: str = ""
    widths: tuple[int, ...] = ()  # column widths in percent; empty = equal widths

    def is_numeric(self, i: int) -> bool:
        """Whether column ``i`` holds numbers."""
        return i < len(self.numeric) and self.numeric[i]

    def is_flagged(self, i: int) -> bool:
        """Whether row ``i`` is highlighted."""
        return i < len(self.flagged) and self.flagged[i]


@dataclass(frozen=True)
class MeasurementRow:
    """One measurement as printed: value, interval, threshold, verdict and p-values."""

    name: str
    group: str
    value: str
    ci: str
    threshold: str
    verdict: str
    n: str
    p_raw: str
    p_adjusted: str
    #: The verdict's rule did not read it (typed evidence); it explains the verdict, it did not decide it.
    diagnostic: bool = False
    #: ``ci`` in two parts, its level ("95%") and its bounds ("[0.1, 0.2]"), so that a table whose intervals share
    #: one level states it once in its header; a row without them prints ``ci``.
    level: str = ""
    bounds: str = ""


@dataclass(frozen=True)
class MeasurementLayout:
    """How a measurement table prints its rows: the interval level all of them share (stated once, in the
    header; "" when they differ) and which of the optional columns hold anything but a dash."""

    level: str
    threshold: bool
    verdict: bool
    p_values: bool


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart (built by :mod:`.charts` or :mod:`.spec_charts`, text already escaped) and its caption.

    ``error`` is set, and ``svg`` empty, when a check's chart specification could not be drawn: the report
    then prints the reason in the chart's place.
    """

    caption: str
    svg: str
    error: str = ""
    #: An interval plot of measurements against their thresholds (shown with the verdict, not in Annex B).
    forest: bool = False
    #: A picture of a table printed beside it (the check named the table): on screen only, the PDF has the table.
    twin: bool = False


@dataclass(frozen=True)
class CheckView:
    """One check's section: verdict, reason, method, criteria, measurements, tables, notes, charts."""

    check_id: str
    anchor: str
    kind: str
    title: str
    status: str
    severity: str
    summary: str
    reason_label: str
    reason: str
    rationale: str
    criteria: tuple[str, ...]
    params: tuple[Item, ...]
    measurements: tuple[MeasurementRow, ...]
    tables: tuple[Table, ...]
    notes: tuple[str, ...]
    charts: tuple[Chart, ...]
    blocking: bool
    #: How many of ``charts`` the check's section shows (the rest are in Annex B).
    main_charts: int = 1
    #: What the check's evidence says a reader must act on (empty: the summary stands for it).
    finding_texts: tuple[str, ...] = ()
    #: Root-cause references of those findings (``feature:hours_per_week``), for grouping across checks.
    causes: tuple[str, ...] = ()
    #: What the verdict means for the people affected, in plain words: one paragraph per entry (at most two);
    #: empty for evidence stored before checks stated it, and for unrun checks.
    meaning: tuple[str, ...] = ()
    #: What the evidence shows a remedy would do (printed under "Remediation options" in section 8).
    remediation: tuple[str, ...] = ()


@dataclass(frozen=True)
class FamilyView:
    """A numbered results subsection holding the checks of one family."""

    kind: str
    number: str
    anchor: str
    title: str
    method: str
    checks: tuple[CheckView, ...]

    @property
    def status(self) -> str:
        """The family's mark in the screen navigation: the most serious status among its checks."""
        found = {c.status for c in self.checks}
        return next((s for s in _MOST_SERIOUS_FIRST if s in found), sorted(found)[0] if found else "SKIPPED")


@dataclass(frozen=True)
class OpinionView:
    """The opinion page (:mod:`auditkit.report.opinion`), every string final."""

    decision: str  # release | conditions | do_not_release | none
    headline: str
    numbers: tuple[str, ...]
    causes: tuple[str, ...]
    conditions: tuple[str, ...]
    override: str
    signoff: str
    residual: str


@dataclass(frozen=True)
class Finding:
    """A finding for section 8: what was found and what must be done."""

    ref: str
    anchor: str
    title: str
    severity: str
    status: str
    text: str
    action: str
    blocking: bool
    causes: tuple[str, ...] = ()
    #: The register's columns: root cause in words, the result section's number, who owns it and by when.
    cause_text: str = ""
    section: str = ""
    owner: str = ""
    due: str = ""


@dataclass(frozen=True)
class StatusCount:
    """How many checks ended with ``status``."""

    status: str
    count: int


@dataclass(frozen=True)
class Changes:
    """Section 9: what changed since the previous audit of the same system."""

    previous_run_id: str
    previous_date: str
    fingerprints: Table
    checks: Table
    measurements: Table
    summary: tuple[str, ...]
    #: trend charts of the key metrics across the stored audits (:mod:`.trend`), and how many were left out
    trends: tuple[Chart, ...] = ()
    trends_omitted: int = 0
    trend_lead: str = ""


@dataclass(frozen=True)
class SignatureBlock:
    """One signature block of section 10 (prepared, reviewed, approved): filled from the latest sign-off in that
    role, else blank lines to sign on paper."""

    title: str
    name: str = ""
    function: str = ""
    date: str = ""
    decision: str = ""
    statement: str = ""

    @property
    def filled(self) -> bool:
        """Whether a recorded sign-off fills the block (else it prints blank lines to sign)."""
        return bool(self.name)


@dataclass(frozen=True)
class Signoff:
    """One recorded sign-off: who decided what, when, on which report hash."""

    name: str
    function: str
    role: str
    decision: str
    time: str
    report_hash: str
    report_id: str = ""
    comment: str = ""
    record_hash: str = ""


@dataclass(frozen=True)
class TestLogRow:
    """One line of Annex A, the test execution log."""

    check_id: str
    kind: str
    version: str
    fingerprint: str
    seed: str
    started: str
    duration: str
    status: str


@dataclass(frozen=True)
class Link:
    """An internal link to a report section."""

    anchor: str
    label: str


@dataclass(frozen=True)
class TraceRow:
    """One row of the traceability matrix (Annex E)."""

    requirement: str
    demand: str
    sections: tuple[Link, ...]
    evidence: str
    #: How the report covers it, in words ("tested", "partly tested", ...).
    coverage: str
    #: The worst verdict of the checks that decide it (a status code) when it is tested; "" otherwise.
    status: str = ""


@dataclass(frozen=True)
class TocEntry:
    """One table-of-contents line (level 1 sections, level 2 family subsections)."""

    anchor: str
    number: str
    title: str
    level: int


@dataclass(frozen=True)
class AttachmentView:
    """A file embedded in the PDF, listed with its hash in Annex C."""

    name: str
    description: str
    media_type: str
    sha256: str
    size: str
    content: bytes = field(repr=False)
    #: PDF/A-3 ``AFRelationship`` of the embedded file: Data, Source, Supplement, Alternative or Unspecified.
    relationship: str = "Data"


@dataclass(frozen=True)
class ReportView:
    """Everything a report template prints, in section order."""

    # cover and document control
    title: str
    report_id: str
    version: str
    date: str
    created_iso: str
    confidentiality: str
    system_label: str
    provider: str  # empty when the policy names none (the templates print "not provided")
    document_control: tuple[Item, ...]
    toc: tuple[TocEntry, ...]
    # 1 executive summary
    gate: str
    gate_text: str
    counts: tuple[StatusCount, ...]
    blocking: tuple[Finding, ...]
    highlights: tuple[str, ...]
    run_error: str
    # 2 scope
    scope: tuple[Item, ...]
    # 3 acceptance criteria
    policy_timing: str
    policy_timing_ok: bool
    policy_items: tuple[Item, ...]
    statistics: tuple[Item, ...]
    criteria: Table
    # 4 test setup
    run_items: tuple[Item, ...]
    environment: tuple[Item, ...]
    packages: Table
    model_ref: tuple[Item, ...]
    dataset_ref: tuple[Item, ...]
    # 5 data and bias examination
    attributes: Table
    art4a: Item
    min_group_size: str
    coverage: Table
    group_tables: tuple[Table, ...]
    gaps: tuple[str, ...]
    #: The run's data profile: one row per model input and protected column (a note when not recorded).
    data_profile: Table
    #: The label's base rates per protected attribute, one sentence each, with whether their intervals overlap.
    base_rates: tuple[str, ...]
    #: The policy's training-data description and fingerprint ("not provided" when absent).
    training: tuple[Item, ...]
    # 6 results
    correction: str
    families: tuple[FamilyView, ...]
    # 7 not assessed
    not_assessed: tuple[str, ...]
    not_covered: tuple[str, ...]
    # opinion page (before the contents)
    opinion: OpinionView
    # 8 findings
    findings: tuple[Finding, ...]
    #: Root causes shared by several findings: (the cause in words, the findings' references).
    shared_causes: tuple[Item, ...]
    #: Section 8's remediation options: (the check's section, its title, what a remedy would do), in check order.
    remediation: tuple[tuple[Link, str], ...]
    residual_risk: tuple[str, ...]
    # 9 changes
    changes: Changes | None
    # 10 sign-off
    signoffs: tuple[Signoff, ...]
    signoff_hint: str
    #: Prepared / reviewed / approved, filled from the hash-chained sign-off records.
    signature_blocks: tuple[SignatureBlock, ...]
    #: Every report version of the run so far: (version, what happened, when).
    revisions: tuple[Item, ...]
    #: The latest sign-off in one line for the cover ("" when none).
    latest_signoff: str
    # annexes
    test_log: tuple[TestLogRow, ...]
    policy_text: str
    attachments: tuple[AttachmentView, ...]
    definitions: tuple[Item, ...]
    traceability: tuple[TraceRow, ...]
    generator: str
    language: str = "en"  # the catalogue the fixed text came from (auditkit.i18n.LANGUAGES)
    #: 7: declared protected groups a check could not assess because no audited row holds them.
    absent_groups: tuple[str, ...] = ()
