"""The workbench installed from a built wheel (not the checkout) runs from any folder.

The wheel is built from a copy of the repository's files (``pip wheel --no-deps``: setup.py copies the notebooks,
the shipped scenarios and voila.json into it), installed with ``pip install --no-deps --target``
(the dependencies are those of the running environment, nothing is downloaded but the build
tools pip's isolated build needs), and run with ``PYTHONPATH`` pointing at it, from a temporary
folder outside the repository.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory, root):
    """``(site, env)``: the folder the wheel is installed in and the environment that imports it
    (the checkout's ``src`` is kept off the path)."""
    # built from a copy of the files the build reads, so nothing is written into the checkout
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "variants", "shipped")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "voila.json"):
        shutil.copy2(root / name, source / name)
    for name in ("src", "notebooks", "parameters"):
        shutil.copytree(root / name, source / name, ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(source)],
                           capture_output=True, text=True, timeout=300, cwd=dist)
    assert build.returncode == 0, build.stderr[-3000:]
    wheels = list(dist.glob("workbench-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    # the command line is a package: its modules travel too (python -m workbench.cli runs __main__)
    for name in ("workbench/resources.py", "workbench/cli/__init__.py", "workbench/cli/__main__.py",
                 "workbench/cli/options.py", "workbench/cli/common.py", "workbench/cli/rank.py",
                 "workbench/shipped/voila.json", "workbench/shipped/notebooks/report.ipynb",
                 "workbench/shipped/notebooks/dashboard.ipynb", "workbench/shipped/notebooks/followup.ipynb",
                 "workbench/shipped/parameters/ftap_2018_2022.yaml",
                 "workbench/shipped/parameters/sweeps/weights_budget.yaml",
                 "workbench/shipped/parameters/history/ftap.yaml"):
        assert name in names, name
    # the packages of issue 22: one module per sweep executor, a report run's jobs apart
    for module in ("__init__", "base", "tasks", "grid", "run", "summary", "command", "executors", "sequential",
                   "processes", "dask"):
        assert f"workbench/sweep/{module}.py" in names, module
    for module in ("batch", "notebooks", "progress", "outputs", "export", "provenance"):
        assert f"workbench/reporting/{module}.py" in names, module
    assert "workbench/sweep.py" not in names   # the module the package replaced
    assert not any("/variants/" in n for n in names)  # the dashboard's saved variants are not shipped
    site = tmp_path_factory.mktemp("site")
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--quiet",
                           "--target", str(site), str(wheels[0])], capture_output=True, text=True, timeout=300)
    assert inst.returncode == 0, inst.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["PYTHONPATH"] = str(site)
    env["MPLBACKEND"] = "Agg"
    return site, env


@pytest.fixture
def elsewhere(tmp_path):
    """A working folder outside the repository, with no ``parameters/`` above it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def workbench(args, env, cwd, timeout=600):
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout)


def test_installed_package_is_the_wheel_and_lists_the_shipped_scenarios(installed, elsewhere):
    site, env = installed
    where = subprocess.run([sys.executable, "-c", "import workbench.resources as r; print(r.shipped_dir())"],
                           capture_output=True, text=True, env=env, cwd=elsewhere, timeout=60)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()) == site / "workbench" / "shipped"
    res = workbench(["scenarios"], env, elsewhere)
    assert res.returncode == 0, res.stderr
    for name in ("ftap_2018_2022", "fitn_2021_2022", "ftap_2018_backtest", "sweeps/weights_budget"):
        assert name in res.stdout
    assert str(site / "workbench" / "shipped" / "parameters" / "ftap_2018_2022.yaml") in res.stdout
    # a shipped scenario by name, its extends resolved inside the package
    res = workbench(["validate", "ftap_2018_backtest"], env, elsewhere)
    assert res.returncode == 0, res.stderr
    assert "scénario valide « ftap_2018_backtest »" in res.stdout   # French by default


def test_the_shipped_ftap2_book_travels_in_the_wheel_and_capacity_finds_it_by_name(installed, elsewhere):
    """``workbench capacity ftap2_2023_2025 --book ftap2_2024-06-30.csv --as-of 2024-06-30`` from a
    folder outside the repository: the scenario and its example book come from the package."""
    site, env = installed
    book = site / "workbench" / "data" / "books" / "ftap2_2024-06-30.csv"
    assert book.is_file()
    res = workbench(["capacity", "ftap2_2023_2025", "--book", "ftap2_2024-06-30.csv", "--as-of", "2024-06-30",
                     "--draws", "60", "--out", "cap"], env, elsewhere)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "FTAP2-FIL-16" in res.stdout and (elsewhere / "cap" / "capacity.csv").is_file()


def test_a_user_file_named_like_a_shipped_scenario_stays_the_users(installed, elsewhere):
    _, env = installed
    (elsewhere / "ftap_2018_2022.yaml").write_text("name: [broken\n", encoding="utf-8")
    res = workbench(["validate", "ftap_2018_2022.yaml"], env, elsewhere)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "ftap_2018_2022.yaml" in res.stderr


def test_report_runs_outside_the_repository(installed, elsewhere, root):
    """``workbench run`` on a user's scenario that extends a shipped one, from a folder outside
    the repository: the report notebook comes from the package."""
    site, env = installed
    shipped = site / "workbench" / "shipped" / "parameters" / "ftap_2018_2022.yaml"
    text = (root / "tests" / "data" / "small_report.yaml").read_text(encoding="utf-8")
    lines = [f"extends: {shipped}" if line.startswith("extends:") else line for line in text.splitlines()]
    (elsewhere / "small.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = workbench(["run", "small.yaml", "--draws", "50", "--no-pdf", "-p", "robustness_samples=0",
                     "-p", "backtest_replicates=0", "-p", "frontier_points=3", "--out", "out"], env, elsewhere)
    assert res.returncode == 0, res.stderr[-3000:]
    folder = elsewhere / "out" / "small_ftap"
    assert (folder / "report.html").stat().st_size > 10_000
    assert (folder / "portfolio.csv").is_file()
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["scenario"]["path"] == "small.yaml"  # the user's file, relative to the working folder
    inputs = {Path(i["path"]).name: i["path"] for i in run["inputs"]}
    assert Path(inputs["report.ipynb"]) == site / "workbench" / "shipped" / "notebooks" / "report.ipynb"


def test_sweep_on_processes_runs_outside_the_repository(installed, elsewhere, root):
    """``workbench sweep --executor processes`` from a folder outside the repository: the spawned
    workers import the task function by its module path (``workbench.sweep.tasks``) from the wheel,
    and the two scenarios of a grid over the small scenario (extending a shipped one) are computed."""
    site, env = installed
    shipped = site / "workbench" / "shipped" / "parameters" / "ftap_2018_2022.yaml"
    text = (root / "tests" / "data" / "small_report.yaml").read_text(encoding="utf-8")
    lines = [f"extends: {shipped}" if line.startswith("extends:") else line for line in text.splitlines()]
    (elsewhere / "small.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (elsewhere / "grid.yaml").write_text("name: g\nbase: small.yaml\nseed: 5\ndraws: 20\n"
                                         "grid:\n  selection.budget_eur: [40000000, 60000000]\n", encoding="utf-8")
    res = workbench(["sweep", "--grid", "grid.yaml", "--executor", "processes", "--workers", "2", "--no-progress",
                     "--out", "sw"], env, elsewhere)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "2 of 2 scenarios computed (processes (2 workers)" in res.stdout, res.stdout
    with open(elsewhere / "sw" / "summary.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["scenario"] for r in rows] == ["g-001", "g-002"]
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert [r["selection.budget_eur"] for r in rows] == ["40000000", "60000000"]


def test_dashboard_command_finds_its_notebook_and_voila_json(installed, elsewhere):
    site, env = installed
    code = ("import json; from workbench.dashboard import serve_command, Dashboard\n"
            "cmd, env, cwd = serve_command(port=8999, token='')\n"
            "print(json.dumps({'cmd': cmd, 'cwd': str(cwd), 'project': env['WORKBENCH_PROJECT_DIR'],\n"
            "                  'variants': env['WORKBENCH_VARIANTS_DIR'],\n"
            "                  'picker': [str(p) for p in Dashboard().scenario_files()]}))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=elsewhere,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    shipped = site / "workbench" / "shipped"
    assert Path(out["cwd"]) == shipped
    notebook = shipped / out["cmd"][out["cmd"].index("workbench.dashboard.server") + 1]
    assert notebook.is_file() and notebook.name == "dashboard.ipynb"
    assert f"--Voila.config_file_paths=['{shipped}']" in out["cmd"]
    assert (shipped / "voila.json").is_file()
    # the user's folder, not the package's, is the project folder and receives saved variants
    assert Path(out["project"]) == elsewhere.resolve()
    assert Path(out["variants"]) == elsewhere.resolve() / "variants"
    assert str(shipped / "parameters" / "ftap_2018_2022.yaml") in out["picker"]


def test_dashboard_serves_its_page_from_the_wheel(installed, elsewhere):
    """``workbench dashboard`` from a folder outside the repository: the page's notebook runs
    (the dashboard widget is its output, no error) with the package's voila.json."""
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    _, env = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = elsewhere / "server.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "dashboard", "--port", str(port), "--no-token",
                                 "--scenario", "fitn_2021_2022"], env=env, cwd=elsewhere, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        page, deadline = None, time.monotonic() + 150
        while page is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as resp:
                    assert resp.status == 200
                    page = resp.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert page is not None, log.read_text(errors="replace")[-3000:]
        assert "application/vnd.jupyter.widget-view+json" in page and "HBox" in page
        assert '"output_type": "error"' not in page
    finally:
        proc.terminate()  # the server shuts its kernels down
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # a kernel the server left behind
        except ProcessLookupError:
            pass
    serving = log.read_text(errors="replace").split("Handle signal")[0]  # not the shutdown's messages
    assert "Traceback" not in serving and "Kernel started" in serving
