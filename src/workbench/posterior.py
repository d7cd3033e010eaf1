"""A calibration's posterior sample, as the scenario names it (``calibration.posterior``).

``workbench calibrate`` (:mod:`workbench.analysis.calibrate`) writes ``posterior.csv``: one row
per parameter set, columns = key paths of the scenario (a list cell, a payment profile, as JSON
text), with ``calibration.json`` beside it (status, ``until``, provenance).  This module reads
it; it sits beside the scenario so that every layer above (the simulation's parameter sets, the
one evaluation of :mod:`workbench.pipeline`, the back-test) reads it the same way.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError, Problem
from .messages import msg


def load_posterior(path: str | Path, scenario) -> pd.DataFrame:
    """A posterior sample (``posterior.csv``): one row per parameter set, columns = key paths of
    the scenario; list cells (a payment profile) read back from JSON text.

    Raises
    ------
    InputError
        Missing or empty file, or a column that is no key path of the scenario.
    """
    from .scenario import schema_field

    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "", str(path), msg("E_FILE_MISSING"))])
    df = pd.read_csv(path, dtype=object, keep_default_na=False)
    bad = []
    for c in df.columns:
        if not scenario.prior_applies(c):
            continue
        if not scenario.has_keypath(c) or not schema_field(c)[0]:
            bad.append(c)
    if bad:
        raise InputError([Problem(str(path), "", bad, msg("E_POSTERIOR_COLUMNS", columns=bad))])
    if not len(df):
        raise InputError([Problem(str(path), "", None, msg("E_POSTERIOR_EMPTY"))])
    keep = [c for c in df.columns if scenario.prior_applies(c)]
    return df[keep].map(_parse_cell)


def _parse_cell(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def posterior_status(path: str | Path) -> str | None:
    """The ``status`` of the calibration that wrote a posterior (``ok``, or ``none_below_cutoff``
    when the sample holds the least implausible sets), or ``None`` when no ``calibration.json``
    is beside it."""
    f = Path(path).with_name("calibration.json")
    try:
        return str(json.loads(f.read_text(encoding="utf-8"))["status"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def posterior_until(path: str | Path) -> dt.date | None:
    """The ``until`` of the calibration that wrote a posterior (its ``calibration.json`` beside
    it), or ``None`` when there is none."""
    f = Path(path).with_name("calibration.json")
    try:
        return dt.date.fromisoformat(json.loads(f.read_text(encoding="utf-8"))["until"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def parameter_sets(posterior: pd.DataFrame) -> list[dict]:
    """The rows of a posterior sample as ``{key path: value}`` (JSON text read back: a list)."""
    return [{k: _parse_cell(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in posterior.to_dict("records")]



def posterior_of(scenario) -> pd.DataFrame | None:
    """The posterior sample the scenario names (``calibration.posterior``), or ``None``."""
    path = scenario.posterior_path()
    if path is None or not path.is_file():   # a missing sample is a warning of the scenario
        return None
    return load_posterior(path, scenario)
