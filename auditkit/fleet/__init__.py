"""Fleets: many audits, one command (``auditkit fleet FLEET``).

:mod:`~auditkit.fleet.spec` reads the fleet file or directory and validates every policy up front;
:mod:`~auditkit.fleet.job` is the one function that runs one audit and summarises it (the seam a cluster
executor replaces); :mod:`~auditkit.fleet.pool` runs the jobs locally, N at a time in spawned processes,
never two of the same system and policy at once; :mod:`~auditkit.fleet.outcome` turns the summaries into the
fleet's exit code (the worst of its audits), JUnit and JSON.
"""

from auditkit.fleet.job import AuditJob, RunSummary, make_jobs, run_job
from auditkit.fleet.outcome import EXIT_ORDER, fleet_json, fleet_junit, worst_exit_code
from auditkit.fleet.pool import run_fleet
from auditkit.fleet.spec import Fleet, FleetError, FleetFile, PlannedAudit, load_fleet, plan_fleet

__all__ = ["EXIT_ORDER", "AuditJob", "Fleet", "FleetError", "FleetFile", "PlannedAudit", "RunSummary",
           "fleet_json", "fleet_junit", "load_fleet", "make_jobs", "plan_fleet", "run_fleet", "run_job",
           "worst_exit_code"]
