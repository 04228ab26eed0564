"""Progress within a run: the weeks simulated by every task and shard, reported from the
worker processes while they run, without changing what they simulate."""

from __future__ import annotations

import pytest

from sim import runner
from sim.experiment import Experiment
from sim.scenario import prepare
from tests.helpers import reform_experiment

EXPERIMENT = {**reform_experiment("progress", seed=8, replications=1), "years": 1,
              "scale": 0.002, "outputs": ["stocks", "spells"], "compare": {}}


@pytest.fixture
def recorded(monkeypatch):
    """The progress reports that reach the parent, and the meters made."""
    reports, meters = [], []
    tick, init = runner.Progress.tick, runner.Progress.__init__

    def record(self, report):
        reports.append(report)
        tick(self, report)

    def keep(self, *args, **kwargs):
        init(self, *args, **kwargs)
        meters.append(self)

    monkeypatch.setattr(runner.Progress, "tick", record)
    monkeypatch.setattr(runner.Progress, "__init__", keep)
    return reports, meters


def _weeks_by_source(reports):
    out = {}
    for scenario, replication, shard, weeks in reports:
        out.setdefault((scenario, replication, shard), []).append(weeks)
    return out


def test_workers_report_simulated_weeks_as_they_go(recorded):
    reports, meters = recorded
    exp = Experiment.model_validate(EXPERIMENT)
    specs = prepare(exp, "<test>")
    runner.run_all(exp, specs, workers=2, progress=True)
    total = runner.task_weeks(exp, specs[0])
    by_source = _weeks_by_source(reports)
    for spec in specs:
        weeks = by_source[(spec.name, 0, 0)]
        # Reports every PROGRESS_WEEKS from the worker, in order; the task's finish in
        # the parent completes the weeks (a worker's report may still be in the queue
        # then, so the finish is not among the worker's reports).
        assert len(weeks) > 10
        assert weeks[:3] == [runner.PROGRESS_WEEKS * k for k in (1, 2, 3)]
        assert weeks == sorted(weeks)
        assert total - runner.PROGRESS_WEEKS <= weeks[-1] <= total
    [meter] = meters
    assert all(meter.seen[(spec.name, 0, 0)] == total for spec in specs)
    assert meter.bar.n == pytest.approx(2 * total) and meter.runs_done == 2
    assert meter.bar.n <= meter.bar.total  # fractions of weeks summed never overshoot


def test_shards_of_one_replication_each_count_their_share(recorded):
    reports, meters = recorded
    exp = Experiment.model_validate({**EXPERIMENT, "scenarios": {"baseline": {}}})
    specs = prepare(exp, "<test>")
    runner.run_all(exp, specs, workers=2, progress=True)  # one task: two shards
    by_source = _weeks_by_source(reports)
    assert {k[2] for k in by_source} == {0, 1}
    [meter] = meters
    assert meter.shards == 2
    assert meter.bar.n == pytest.approx(runner.task_weeks(exp, specs[0]))


def test_progress_reports_change_nothing_that_is_simulated(monkeypatch):
    exp = Experiment.model_validate(EXPERIMENT)
    spec = prepare(exp, "<test>")[1]
    quiet = runner.run_task(exp, spec, 0)
    seen = []
    monkeypatch.setattr(runner, "_progress_sink", seen.append)
    ticking = runner.run_task(exp, spec, 0)
    assert len(seen) > 10
    assert quiet.events == ticking.events
    for name, df in quiet.tables.items():
        assert df.equals(ticking.tables[name]), name
