"""The committee room: each member's weights, their aggregation and spread, the session's record.

* :mod:`.elicitation` — a member's weights by swing weighting (Edwards & Barron 1994) or pairwise
  comparisons (Saaty's AHP, with the consistency ratio), the room's weights by a stated rule
  (geometric mean of judgments or of priorities, Aczél & Saaty 1983; arithmetic mean) and the
  members' spread;
* :mod:`.store` — the session's append-only SQLite record (members' weights with their raw
  answers, decisions with reasons and overrides, a hash-chained audit trail);
* :mod:`.room` — the room's disagreement as the portfolio's robustness (SMAA in the members'
  convex hull) and the sensitivity per criterion (imported on use: it needs the solver);
* :mod:`.minutes` — the session's minutes (HTML, PDF, CSV, DOCX), read back by
  :func:`.minutes.read_minutes` (imported on use).
"""
from __future__ import annotations

from .elicitation import (CR_THRESHOLD, RANDOM_INDEX, RULES, Elicited, RoomWeights, aggregate, ahp,
                          ahp_from_matrix, rank_order_centroid, spread, swing)

__all__ = ["CR_THRESHOLD", "RANDOM_INDEX", "RULES", "Elicited", "RoomWeights", "aggregate", "ahp", "ahp_from_matrix",
           "rank_order_centroid", "spread", "swing"]
