"""What a fleet ends with: its exit code (the worst of its audits), its ``--junit`` and ``--json`` documents.

The exit code of ``auditkit fleet`` is the worst exit code of its audits, in this order (best first):

=====  ===========================================================================
0      every audit's gate passed
1      a gate failed (a blocker check failed, or a blocking regression)
3      an audit is undecided: a blocker errored or was inconclusive, or its run did not complete
2      an audit could not run for a reason a person must fix (its data or model missing, its run lock
       held by a run outside the fleet, ``--out`` unusable): no run, so less known than undecided
130    an audit was interrupted (Ctrl-C reached its worker)
4      an internal error of auditkit, or a worker process that died (OOM, a signal)
=====  ===========================================================================

A decision is better than none: FAIL is a known answer, an undecided audit is a question still open, and an
audit that never ran or crashed says nothing at all. Codes not listed rank with 4.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from auditkit.fleet.job import RunSummary
from auditkit.gate import EXIT_FAIL, EXIT_INTERNAL, EXIT_PASS, EXIT_UNDECIDED, EXIT_USAGE
from auditkit.junit import combined_xml, unrun_xml

#: Exit codes from best to worst (see the module docstring).
EXIT_ORDER = (EXIT_PASS, EXIT_FAIL, EXIT_UNDECIDED, EXIT_USAGE, 130, EXIT_INTERNAL)


def worst_exit_code(codes: Iterable[int]) -> int:
    """The worst of the audits' exit codes in :data:`EXIT_ORDER` (0 for no audits); unknown codes are 4."""
    rank = {code: i for i, code in enumerate(EXIT_ORDER)}
    known = [code if code in rank else EXIT_INTERNAL for code in codes]
    return max(known, key=rank.__getitem__, default=EXIT_PASS)


def fleet_junit(summaries: Sequence[RunSummary]) -> bytes:
    """One ``<testsuite>`` per audit under one ``<testsuites>``: a run's own suite (as ``auditkit run --junit``
    writes it), or for an audit without a run a suite with one error naming why."""
    return combined_xml(s.junit if s.junit is not None else
                        unrun_xml(f"{s.system} / {s.policy_id} v{s.policy_version}", s.error or "no run",
                                  s.exit_code)
                        for s in summaries)


def fleet_json(summaries: Sequence[RunSummary]) -> str:
    """``--json``: a list with one summary per audit, in fleet order (see :meth:`RunSummary.to_json`)."""
    return json.dumps([s.to_json() for s in summaries], indent=2)


__all__ = ["EXIT_ORDER", "fleet_json", "fleet_junit", "worst_exit_code"]
