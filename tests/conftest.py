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
