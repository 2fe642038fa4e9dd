"""A database written by the release before typed evidence renders after ``auditkit db upgrade`` (issue #13).

``tests/fixtures/credit-demo-before-evidence.db.gz`` is the SQLite database ``auditkit demo`` wrote with the
release before typed evidence (commit e644578: schema 0003, outcomes with an English summary and free
``details``), with its stored report blobs removed to keep the fixture small. Upgrading adds the evidence
columns empty; the report reads those outcomes in their version-1 layout and renders them, in HTML and PDF.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.report import render_report
from auditkit.results import Status
from auditkit.store import open_store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "credit-demo-before-evidence.db.gz"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    path = tmp_path_factory.mktemp("old-release") / "auditkit.db"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    url = f"sqlite:///{path}"
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    store = open_store(url)
    runs = sorted(store.list_runs(system="retail-credit-scorer"), key=lambda r: r.started_at)
    yield store, [store.get_run(r.run_id) for r in runs]
    store.close()


def test_old_outcomes_read_as_version_one(upgraded):
    _, runs = upgraded
    assert len(runs) == 2
    for run in runs:
        assert run.outcomes and all(o.evidence is None and o.summary for o in run.outcomes)
        assert all(m.role is None and m.unit is None for o in run.outcomes for m in o.measurements)
    proxy, fair = runs
    assert proxy.outcome("sex-not-used").status is Status.FAIL
    assert fair.outcome("sex-selection-parity").status is Status.PASS


@pytest.mark.slow
def test_old_runs_render_in_html_and_pdf(upgraded):
    _, runs = upgraded
    for i, run in enumerate(runs):
        rendered = render_report(run, report_id=f"old-{i}", version=i + 1, previous=runs[0] if i else None)
        html = rendered.html.decode()
        assert "could not be drawn" not in html and "Traceback" not in html
        for o in run.outcomes:  # the stored English summary is what the section prints
            assert o.check_id in html
        assert rendered.pdf is not None and rendered.pdf.startswith(b"%PDF")
