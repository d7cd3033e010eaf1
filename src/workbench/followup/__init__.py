"""Follow-up of funded projects: the laureate book, its dated snapshots, the fund's position at a
date, the re-forecast from actuals, drift and flags, savings by cohort.

Data flow: a book file (:mod:`.book`) -> snapshots (:mod:`.store`) -> position (:mod:`.position`),
re-forecast (:mod:`.reforecast`), drift and flags (:mod:`.drift`), savings (:mod:`.savings`) ->
tables and figures (:mod:`.status`, :mod:`.figures`) -> the ``workbench book`` and
``workbench status`` commands and the follow-up notebook.
"""
