"""Envelope simulation: commitments (AE) and payments (CP) over the years, call after call.

Moved into a package; see :mod:`workbench.envelope.kernel` for the model.
"""
from .kernel import *  # noqa: F401,F403
from .kernel import (  # noqa: F401 - names used by the tests and benchmarks
    _SeedSeq, _draws_from_raw, _nb, _percentile_rows, _ratios_from_table_np, _raw_blocks, _row_stats,
    _run_chunk, _run_chunk_fast, _transform_block, InputError, Problem,
)
