"""Scenario sweeps: grid specs, per-scenario seeds, identical results on every executor (in
process, local processes, a Dask LocalCluster, a real `dask scheduler` + `dask worker`), failures
that do not stop the others, summary files."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.reporting import batch
from workbench import envelope, pipeline, selection as portfolio, sweep
from workbench.sources import load_candidates
from workbench.cli import main
from workbench.scenario import load_scenario

from helpers import ROOT

SMALL = ROOT / "tests" / "data" / "small_report.yaml"
BROKEN = ROOT / "tests" / "data" / "broken" / "weights_negative.yaml"
BIN = Path(sys.executable).parent


def _spec(tmp: Path) -> Path:
    path = tmp / "grid.yaml"
    path.write_text(f"""name: t
base: {SMALL}
seed: 7
draws: 20
grid:
  criteria.weights.savings: [0.1, 1.0]
  selection.budget_eur: [40000000, 60000000]
cases:
  - {{name: negative, criteria.weights.strategic: -1}}
""", encoding="utf-8")
    return path


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["duration_s", "cpu_s"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    return _spec(tmp_path_factory.mktemp("spec"))


@pytest.fixture(scope="module")
def sequential(spec_path):
    spec = sweep.load_grid(spec_path)
    return sweep.run_sweep(sweep.grid_tasks(spec), sweep.Sequential(), name=spec.name, seed=spec.seed,
                           progress=False)


def test_grid_expands_to_every_combination_plus_cases(spec_path):
    spec = sweep.load_grid(spec_path)
    assert [n for n, _ in spec.cases] == ["t-001", "t-002", "t-003", "t-004", "negative"]
    assert spec.cases[1][1] == {"criteria.weights.savings": 0.1, "selection.budget_eur": 60000000}
    tasks = sweep.grid_tasks(spec)
    assert tasks[3].scenario.weights["savings"] == 1.0
    assert tasks[3].scenario.value("selection.budget_eur") == 60000000
    assert tasks[3].scenario.weights["strategic"] == 0.25          # the rest comes from the base
    assert tasks[4].scenario is None and "a weight must be >= 0" in tasks[4].error


def test_seeds_come_from_the_sweep_seedsequence(sequential):
    children = np.random.SeedSequence(7).spawn(5)
    expected = [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
    assert sequential.summary["seed"].tolist() == expected
    assert len(set(expected)) == 5


def test_summary_numbers_are_those_of_the_package(sequential):
    row = sequential.summary.iloc[2]            # savings weight 1.0, budget 40 M€
    scn = load_scenario(SMALL).with_overrides({"criteria": {"weights": {"savings": 1.0}},
                                               "selection": {"budget_eur": 40000000}})
    cands = load_candidates(scn)
    rk = portfolio.rank(scn, cands, seed=int(row["seed"]))
    assert row["total_value"] == rk.totals["value"]
    assert row["n_selected"] == rk.totals["selected"]
    assert row["committed_eur"] == rk.totals["committed_eur"] <= 40000000
    sim = envelope.simulate(scn, cands, draws=20, seed=int(row["seed"]), selection=pipeline.funding_order(rk.table))
    all_row = sim.summary[sim.summary["level"] == "ALL"].iloc[0]
    assert row["paid_mean_eur"] == all_row["paid_mean_eur"]
    assert row["max_year_shortfall_probability"] == sim.shortfall["shortfall_probability"].max()


def test_a_failing_scenario_does_not_stop_the_others(sequential):
    s = sequential.summary
    assert s["status"].tolist() == ["ok"] * 4 + ["failed"]
    assert sequential.n_failed == 1
    f = sequential.failures
    assert f["scenario"].tolist() == ["negative"] and "a weight must be >= 0" in f["error"].iloc[0]
    # a bigger budget never lowers the optimal value (same weights)
    assert s.loc[1, "total_value"] >= s.loc[0, "total_value"] and s.loc[3, "total_value"] >= s.loc[2, "total_value"]


@pytest.mark.slow
def test_processes_and_local_dask_cluster_give_identical_results(spec_path, sequential):
    spec = sweep.load_grid(spec_path)
    tasks = sweep.grid_tasks(spec)
    procs = sweep.run_sweep(tasks, sweep.Processes(2), name="t", seed=7, progress=False, chunk_size=1)
    dask = sweep.run_sweep(tasks, sweep.Dask(workers=2), name="t", seed=7, progress=False, chunk_size=2)
    assert dask.executor == "dask on LocalCluster (2 workers)"
    pd.testing.assert_frame_equal(_comparable(procs.summary), _comparable(sequential.summary))
    pd.testing.assert_frame_equal(_comparable(dask.summary), _comparable(sequential.summary))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real scheduler and one worker, separate processes on 127.0.0.1, stopped afterwards."""
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    logs = [open(tmp_path / "scheduler.log", "wb"), open(tmp_path / "worker.log", "wb")]
    sched = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], stdout=logs[0], stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    procs = [sched]
    try:
        worker = subprocess.Popen([str(BIN / "dask"), "worker", addr, "--nworkers", "1", "--nthreads", "1",
                                   "--no-dashboard", "--host", "127.0.0.1"], stdout=logs[1],
                                  stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        procs.append(worker)
        from distributed import Client

        deadline = time.time() + 60
        while True:
            try:
                with Client(addr, timeout="5s") as c:
                    if c.scheduler_info()["workers"]:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail("the dask scheduler and worker did not start:\n"
                            + (tmp_path / "scheduler.log").read_text() + (tmp_path / "worker.log").read_text())
            time.sleep(0.5)
        yield addr
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()


@pytest.mark.slow
def test_sweep_on_a_real_dask_scheduler_through_the_command(dask_cluster, spec_path, sequential, tmp_path, capsys):
    out = tmp_path / "sweep"
    rc = main(["sweep", "--grid", str(spec_path), "--scheduler", dask_cluster, "--out", str(out), "--no-progress"])
    captured = capsys.readouterr()
    assert rc == 1                                              # one scenario failed
    assert f"dask on {dask_cluster} (1 worker)" in captured.out
    assert "negative: InputError" in captured.err
    got = pd.read_csv(out / "summary.csv")
    ref = _comparable(sequential.summary.drop(columns=["_selected_ids"]))
    ref.to_csv(tmp_path / "ref.csv", index=False)
    pd.testing.assert_frame_equal(_comparable(got), pd.read_csv(tmp_path / "ref.csv"))


def test_scheduler_from_environment_variable(monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:1")
    ex = sweep.make_executor(None)
    assert isinstance(ex, sweep.Dask) and ex.scheduler == "tcp://127.0.0.1:1"


@pytest.mark.slow
def test_unreachable_scheduler_exits_2(spec_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sweep.dask, "SCHEDULER_CONNECT_TIMEOUT_S", 2)   # read where the Dask executor lives
    rc = main(["sweep", "--grid", str(spec_path), "--scheduler", f"tcp://127.0.0.1:{_free_port()}",
               "--out", str(tmp_path / "o"), "--no-progress"])
    assert rc == 2
    assert "no Dask scheduler answered" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_file_list_with_a_broken_file_runs_the_others_and_writes_the_summary(tmp_path, capsys):
    out = tmp_path / "s"
    rc = main(["sweep", str(SMALL), str(BROKEN), "--executor", "sequential", "--draws", "10", "--out", str(out),
               "--lang", "en"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "1 scenario(s) failed" in captured.err and "weights_negative" in captured.err
    assert "2/2" in captured.err                              # the progress bar reached the end
    s = pd.read_csv(out / "summary.csv")
    assert s["scenario"].tolist() == ["small_ftap", "weights_negative"]
    assert s["status"].tolist() == ["ok", "failed"] and s.loc[0, "n_selected"] > 0
    assert pd.read_csv(out / "failures.csv")["scenario"].tolist() == ["weights_negative"]
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert batch.external_loads(html) == [] and "<script" not in html
    assert "Failed scenarios" in html and "weights_negative" in html and "Selected projects" in html


def test_bad_grid_spec_reports_every_problem_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ngrids: {}\ndraws: 0\ngrid:\n  criteria.weights.savings: 0.5\n", encoding="utf-8")
    rc = main(["sweep", "--grid", str(bad), "--executor", "sequential", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "grids" in err and "base" in err and "draws" in err and "non-empty list" in err
    assert not (tmp_path / "o").exists()
    rc = main(["sweep", str(SMALL), "--grid", str(bad)])
    assert rc == 2 and "not both" in capsys.readouterr().err


def _die_on_second(scenario, seed, draws):
    """A task whose worker process dies on the second grid scenario (as on a crash or OOM kill)."""
    if scenario.name == "t-002":
        os._exit(3)
    return sweep.evaluate(scenario, seed, draws)


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_scenarios_only(spec_path):
    spec = sweep.load_grid(spec_path)
    tasks = sweep.grid_tasks(spec)[:4]
    import dask

    # one task at a time per worker (no queued task dies with it); no retry of the task that kills
    with dask.config.set({"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}):
        res = sweep.run_sweep(tasks, sweep.Dask(workers=1), name="t", seed=7, progress=False, chunk_size=1,
                              fn=_die_on_second)
    assert res.summary["status"].tolist() == ["ok", "failed", "ok", "ok"]
    assert "executor error" in res.summary.loc[1, "error"]


def test_a_grid_scenario_written_for_its_report_loads_back_identical(spec_path, tmp_path):
    from workbench.analysis.compare import parameter_differences

    task = sweep.grid_tasks(sweep.load_grid(spec_path))[3]
    path = sweep.write_scenario_file(task.scenario, tmp_path / "scenarios" / f"{task.name}.yaml")
    back = load_scenario(path)
    assert back.name == "t-004"
    assert parameter_differences(task.scenario, back).empty
    assert back.weights == task.scenario.weights and back.value("selection.budget_eur") == 60000000
