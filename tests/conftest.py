"""Shared fixtures: paths to the repository, shipped parameters and test data.

The constants and helpers behind them live in ``helpers.py`` (test modules import it; no test
module imports another).  Paths are from the repository root, never the working folder.

Markers: ``slow`` (over a few seconds) and ``browser`` (Chromium against a Voilà server); the
quick lane is ``pytest -m "not slow and not browser"``.
"""
import shutil
from pathlib import Path

import pytest

from helpers import DATA, PARAMS, ROOT


@pytest.fixture(scope="session", autouse=True)
def _from_the_repository_root():
    """Every test runs in the repository root, wherever pytest is started: the project folder
    of :mod:`workbench.limits` (scenarios in ``tmp_path`` extending ``tests/data`` or
    ``parameters/`` files) and recorded relative paths are then the same from any folder.  A
    test that needs another working folder changes it with ``monkeypatch.chdir``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        mp.delenv("WORKBENCH_PROJECT_DIR", raising=False)
        yield


@pytest.fixture(autouse=True)
def _command_line_in_english(monkeypatch):
    """The command line speaks French unless told otherwise (``--lang``, ``$WORKBENCH_LANG``);
    tests that read its English wording set ``$WORKBENCH_LANG=en`` here, and the tests of the
    French default (``test_cli_lang.py``) remove it."""
    monkeypatch.setenv("WORKBENCH_LANG", "en")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def params_dir() -> Path:
    return PARAMS


@pytest.fixture(autouse=True, scope="session")
def _private_dashboard_cache(tmp_path_factory):
    """The dashboard's disk cache of first views (workbench.dashboard.disk_cache) in a folder of the test
    session, not in the user's ~/.cache."""
    import os

    from workbench.dashboard.disk_cache import ENV_CACHE_DIR

    old = os.environ.get(ENV_CACHE_DIR)
    os.environ[ENV_CACHE_DIR] = str(tmp_path_factory.mktemp("first-view-cache"))
    yield
    if old is None:
        os.environ.pop(ENV_CACHE_DIR, None)
    else:
        os.environ[ENV_CACHE_DIR] = old


@pytest.fixture
def scenario_dir(tmp_path) -> Path:
    """A copy of the dashboard's test scenario folder (``tests/data/dashboard``) to write into."""
    d = tmp_path / "parameters"
    d.mkdir()
    for f in (DATA / "dashboard").iterdir():
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture
def app(scenario_dir):
    """The committee dashboard on that folder, built, without debounce."""
    from workbench.dashboard import Dashboard

    d = Dashboard(scenario=scenario_dir / "committee.yaml", variants_dir=scenario_dir / "variants", debounce_s=0)
    d.robustness_samples = 8
    d.widget()
    return d
