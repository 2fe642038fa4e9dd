"""JUnit XML of a stored run, for the test report views of GitHub Actions, GitLab CI and Jenkins (pure).

One ``<testsuite>`` per run (name ``SYSTEM / POLICY vN``, the run's start time
in UTC, counts), one ``<testcase>`` per check (``classname`` = check kind,
``name`` = check id, ``time`` = its duration). How verdicts map, and why:

=====================================  ==========================================================
PASS                                   a passed test case; measurements in ``<system-out>``
FAIL (any severity)                    ``<failure>`` with every failed measurement: value,
                                       interval (with its confidence), threshold. A failure of a
                                       non-blocker has ``type="non-blocking"`` and its message
                                       starts "[non-blocking, severity S]": CI test views show it
                                       as a failed test (visible), while the job's status comes
                                       from the exit code, which it does not change
ERROR                                  ``<error>`` with the reason
SKIPPED                                ``<skipped message=reason>``; but a *blocker* skipped
                                       under ``gate: {inconclusive: fail}`` blocks the gate, so
                                       it is a ``<failure type="inconclusive">``
INCONCLUSIVE, blocking the gate        ``<failure type="inconclusive">`` (a blocker under
                                       ``gate: {inconclusive: fail}``)
INCONCLUSIVE, not blocking             a passed test case with a ``<system-out>`` note: GitLab
                                       and GitHub have no "warning" state, and turning it red
                                       would contradict the gate
regression (``--compare-to``)          blocking the gate (``fail_on_regression``): a
                                       ``<failure type="regression">`` (or the reasons appended
                                       to the failure/error already there); otherwise a
                                       ``<system-out>`` note
=====================================  ==========================================================

When auditkit itself fails (exit code 4, see :mod:`auditkit.gate`), ``--junit`` gets
:func:`internal_error_xml`: one ``auditkit.internal-error`` test case with an ``<error>``
naming the exception and the log file holding its traceback.

A run that did not complete (crashed, interrupted) gets one more test case,
``auditkit.run``, with an ``<error>`` holding the run's error: an empty or
partial suite never looks green. Every test case carries ``<properties>`` (severity, status, blocks_gate,
regression) and the suite carries the run's provenance (run id, fingerprints,
stored and effective gate decision, baseline run). Built with
:mod:`xml.etree.ElementTree`, which escapes every text and attribute.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from auditkit.diff import CheckDelta
from auditkit.gate import EXIT_INTERNAL, Verdict, verdict
from auditkit.results import CheckOutcome, Measurement, RunRecord, RunState, Severity, Status

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.4g}"


def measurement_line(m: Measurement) -> str:
    """``name (group): value 0.21, 95% CI [0.17, 0.25], threshold <= 0.1 → FAIL`` (every number with its interval)."""
    name = m.name + (f" ({m.group})" if m.group else "")
    if m.ci_low is not None and m.ci_high is not None:
        conf = f"{m.confidence * 100:g}% CI " if m.confidence is not None else "CI "
        interval = f", {conf}[{_num(m.ci_low)}, {_num(m.ci_high)}]"
    else:
        interval = ", no interval"
    thr = f", threshold {m.comparator} {_num(m.threshold)}" if m.threshold is not None else ""
    verdict_ = f" → {m.status.value}" if m.status else ""
    return f"{name}: value {_num(m.value)}{interval}{thr}{verdict_}"


def _blocks(o: CheckOutcome, inconclusive_fails: bool) -> bool:
    """Whether this outcome alone stops the gate (mirrors :func:`auditkit.results.gate_decision`)."""
    if o.severity is not Severity.BLOCKER:
        return False
    return o.status in (Status.FAIL, Status.ERROR) or (
        inconclusive_fails and o.status in (Status.INCONCLUSIVE, Status.SKIPPED))


def _lines(ms: Iterable[Measurement]) -> str:
    return "\n".join(measurement_line(m) for m in ms)


def _properties(parent: ET.Element, items: Iterable[tuple[str, str]]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in items:
        ET.SubElement(props, "property", name=name, value=value)


def _testcase(o: CheckOutcome, result: Verdict, regression: CheckDelta | None) -> tuple[ET.Element, str]:
    """The ``<testcase>`` of one outcome and what it counts as: pass, failure, error or skipped."""
    case = ET.Element("testcase", classname=o.kind, name=o.check_id, time=f"{o.duration_s:.3f}")
    blocks = _blocks(o, result.inconclusive_fails)
    reg_blocks = regression is not None and regression in result.blocking
    _properties(case, [("severity", o.severity.value), ("status", o.status.value),
                       ("blocks_gate", str(blocks or reg_blocks).lower()),
                       ("regression", "true" if regression is not None else "false")])
    thresholded = [m for m in o.measurements if m.threshold is not None]
    notes = [f"{o.status.value} ({o.severity.value}): {o.summary}"]
    kind, element = "pass", None
    if o.status is Status.FAIL:
        failed = [m for m in thresholded if m.status is Status.FAIL] or thresholded
        prefix = "" if blocks else f"[non-blocking, severity {o.severity.value}] "
        element = ET.SubElement(case, "failure", message=prefix + o.summary,
                                type="FAIL" if blocks else "non-blocking")
        element.text = _lines(failed) or o.summary
        kind = "failure"
    elif o.status is Status.ERROR:
        element = ET.SubElement(case, "error", message=o.error or o.summary, type="ERROR")
        element.text = o.error or o.summary
        kind = "error"
    elif blocks:  # INCONCLUSIVE or SKIPPED blocker under inconclusive: fail
        reason = o.error if o.status is Status.SKIPPED and o.error else o.summary
        element = ET.SubElement(case, "failure", type="inconclusive",
                                message=f"{o.status.value}, blocks the gate (gate: inconclusive: fail): {reason}")
        element.text = _lines(thresholded) or reason
        kind = "failure"
    elif o.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=o.error or o.summary)
        kind = "skipped"
    elif o.status is Status.INCONCLUSIVE:
        notes.append("INCONCLUSIVE: not shown to pass; does not block the gate (not a blocker, or the "
                     "policy says gate: {inconclusive: pass}).")
    if regression is not None:
        text = "regression against run " + (result.diff.before_run_id if result.diff else "?") + ": " + \
            "; ".join(regression.regressions)
        if reg_blocks and element is None:
            element = ET.SubElement(case, "failure", type="regression", message=text)
            element.text = text
            kind = "failure"
        elif reg_blocks and element is not None:
            element.text = (element.text or "") + "\n" + text
        else:
            notes.append(text + " (does not block the gate)")
    if thresholded:
        notes.append(_lines(thresholded))
    ET.SubElement(case, "system-out").text = "\n".join(notes)
    return case, kind


def _timestamp(t: dt.datetime) -> str:
    """ISO 8601 in UTC without offset, as the JUnit schema's ``timestamp`` expects."""
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    return t.replace(microsecond=0).isoformat()


def junit_tree(run: RunRecord, result: Verdict | None = None) -> ET.ElementTree:
    """The JUnit document of ``run`` (a ``<testsuites>`` holding one ``<testsuite>``)."""
    result = result or verdict(run)
    regressed = {c.check_id: c for c in result.diff.regressions} if result.diff else {}
    cases = [_testcase(o, result, regressed.get(o.check_id)) for o in run.outcomes]
    if run.state is not RunState.COMPLETE:  # a run that crashed or is still running must not look green
        case = ET.Element("testcase", classname="auditkit", name="run", time="0.000")
        reason = run.error or f"the run is {run.state.value}: not every check was run"
        ET.SubElement(case, "error", message=reason, type=run.state.value).text = reason
        cases.append((case, "error"))
    counts = {k: sum(kind == k for _, kind in cases) for k in ("failure", "error", "skipped")}
    total = sum(o.duration_s for o in run.outcomes)
    attrs = {"tests": str(len(cases)), "failures": str(counts["failure"]), "errors": str(counts["error"]),
             "skipped": str(counts["skipped"]), "time": f"{total:.3f}"}
    root = ET.Element("testsuites", name="auditkit", **{k: v for k, v in attrs.items() if k != "skipped"})
    suite = ET.SubElement(root, "testsuite", name=f"{run.system_name} / {run.policy_id} v{run.policy_version}",
                          timestamp=_timestamp(run.started_at), id="0", **attrs)
    props = [("run_id", run.run_id), ("system_version", run.system_version),
             ("policy_sha256", run.policy_sha256), ("model_fingerprint", run.model_fingerprint),
             ("dataset_fingerprint", run.dataset_fingerprint), ("state", run.state.value),
             ("stored_gate", run.gate.value if run.gate else "none"),
             ("gate", result.decision.value if result.decision else "none"),
             ("exit_code", str(result.exit_code))]
    if result.diff is not None:
        props += [("baseline_run_id", result.diff.before_run_id),
                  ("regressions", ",".join(c.check_id for c in result.diff.regressions)),
                  ("fail_on_regression", str(result.fail_on_regression).lower())]
    _properties(suite, props)
    for case, _ in cases:
        suite.append(case)
    for el in root.iter():  # stored text may hold characters XML 1.0 forbids (ANSI escapes in a reason)
        el.text = _INVALID_XML.sub("", el.text) if el.text else el.text
        for key, value in el.attrib.items():
            el.set(key, _INVALID_XML.sub("", value))
    ET.indent(root)
    return ET.ElementTree(root)


def junit_xml(run: RunRecord, result: Verdict | None = None) -> bytes:
    """:func:`junit_tree` as UTF-8 bytes with an XML declaration."""
    return ET.tostring(junit_tree(run, result).getroot(), encoding="utf-8", xml_declaration=True)


def internal_error_xml(message: str, log: object = None) -> bytes:
    """JUnit XML for an auditkit crash (exit code 4): one error test case, so the CI view is red, not empty."""
    root = ET.Element("testsuites", name="auditkit", tests="1", failures="0", errors="1", time="0.000")
    suite = ET.SubElement(root, "testsuite", name="auditkit", tests="1", failures="0", errors="1", skipped="0",
                          time="0.000", timestamp=_timestamp(dt.datetime.now(dt.UTC)), id="0")
    _properties(suite, [("exit_code", str(EXIT_INTERNAL)), ("error_log", "" if log is None else str(log))])
    case = ET.SubElement(suite, "testcase", classname="auditkit", name="internal-error", time="0.000")
    text = _INVALID_XML.sub("", message)
    ET.SubElement(case, "error", message=text, type="internal").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def unrun_xml(suite_name: str, message: str, exit_code: int) -> bytes:
    """JUnit XML of an audit that produced no run (a fleet entry refused, crashed or misconfigured at run time).

    One ``<testsuite>`` named like a run's, with one ``auditkit.run`` test case whose ``<error>`` holds the
    reason, so a fleet's CI view shows the audit red instead of leaving it out.
    """
    root = ET.Element("testsuites", name="auditkit", tests="1", failures="0", errors="1", time="0.000")
    suite = ET.SubElement(root, "testsuite", name=suite_name, tests="1", failures="0", errors="1", skipped="0",
                          time="0.000", timestamp=_timestamp(dt.datetime.now(dt.UTC)), id="0")
    _properties(suite, [("state", "none"), ("gate", "none"), ("exit_code", str(exit_code))])
    case = ET.SubElement(suite, "testcase", classname="auditkit", name="run", time="0.000")
    text = _INVALID_XML.sub("", message)
    ET.SubElement(case, "error", message=text.splitlines()[0] if text else "", type="no-run").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def combined_xml(documents: Iterable[bytes], name: str = "auditkit fleet") -> bytes:
    """Every ``<testsuite>`` of the JUnit ``documents`` under one ``<testsuites>`` (``auditkit fleet --junit``).

    The suites keep their order and content (ids renumbered 0, 1, ...); the root's counts and time are the
    sums of theirs.
    """
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    seconds = 0.0
    for document in documents:
        for suite in ET.fromstring(document).iter("testsuite"):
            suite.set("id", str(len(root)))
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            seconds += float(suite.get("time", "0"))
            root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


__all__ = ["combined_xml", "internal_error_xml", "junit_tree", "junit_xml", "measurement_line", "unrun_xml"]
