"""Shared fixtures: paths to the repository, shipped parameters and test data."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
PARAMS = ROOT / "parameters"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def params_dir() -> Path:
    return PARAMS


@pytest.fixture(autouse=True, scope="session")
def _private_dashboard_cache(tmp_path_factory):
    """The dashboard's disk cache of first views (workbench.cache) in a folder of the test
    session, not in the user's ~/.cache."""
    import os

    from workbench.cache import ENV_CACHE_DIR

    old = os.environ.get(ENV_CACHE_DIR)
    os.environ[ENV_CACHE_DIR] = str(tmp_path_factory.mktemp("first-view-cache"))
    yield
    if old is None:
        os.environ.pop(ENV_CACHE_DIR, None)
    else:
        os.environ[ENV_CACHE_DIR] = old
