"""Both bundled samples' reports draw every chart their checks specify (issue #13).

The proxy credit model's report printed "chart could not be drawn: series 1 … 'x' must be positions 0 to 2 of
'x_ticks'" in place of the attribution-agreement randomisation chart. Each sample's two policies are audited as
``auditkit demo`` audits them (CPU, no PDF: the PDF is the same HTML through WeasyPrint), and the HTML report of
every run must contain no such note, while every check's charts validate as data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit import api
from auditkit.chartspec import validate_charts
from auditkit.demo import SAMPLES, prepare_sample
from auditkit.report import render_report


@pytest.mark.slow
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_sample_reports_draw_every_chart(sample: str, tmp_path: Path) -> None:
    policies = prepare_sample(sample, tmp_path)
    assert len(policies) == 2  # the model with the problem, then the fixed one
    with api.open_store(f"sqlite:///{tmp_path / 'auditkit.db'}") as store:
        for version, policy in enumerate(policies, start=1):
            run = api.run_audit(api.load_policy(policy), store=store, device="cpu", report=False)
            charted = [o for o in run.outcomes if o.details.get("charts")]
            assert charted, f"{policy.name}: no check specified a chart, so this test would prove nothing"
            for outcome in charted:
                validate_charts(outcome.details)
            html = render_report(run, report_id=f"{run.system_name}-v{version}", version=version,
                                 formats=("html",)).html.decode("utf-8")
            assert "could not be drawn" not in html, f"{policy.name}: " + html[
                html.index("could not be drawn") - 200: html.index("could not be drawn") + 200]
            assert html.count("<svg") >= sum(len(o.details["charts"]) for o in charted)
