"""The candidates a scenario names: its candidate file, or the seeded synthetic generator.

Kept apart from :mod:`workbench.candidates` (reading and validating candidate files) and
:mod:`workbench.generator` (synthetic pipelines, which validates through the former), so that
data flows one way: scenario -> candidates / generator -> sources.
"""
from __future__ import annotations

import pandas as pd

from .candidates import read_candidates
from .generator import generate_for_scenario


def load_candidates(scenario, rng_seed: int | None = None) -> pd.DataFrame:
    """The scenario's candidates: ``candidates.file`` read and validated, or, for
    ``candidates.source: synthetic``, one seeded pipeline per call (labelled synthetic)."""
    path = scenario.candidates_path()
    if path is not None:
        return read_candidates(path, scale=scenario.criteria_scale, envelope_codes=scenario.envelope_codes)
    return generate_for_scenario(scenario, seed=rng_seed)
