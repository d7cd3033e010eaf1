"""Follow-up of funded projects: the laureate book, its dated snapshots, the fund's position at a
date, the re-forecast from actuals, drift and flags, savings by cohort.

Data flow: a book file (:mod:`.book`) -> snapshots (:mod:`.store`) -> position (:mod:`.position`),
re-forecast (:mod:`.reforecast`), drift and flags (:mod:`.drift`), savings (:mod:`.savings`) ->
every table of a date (:mod:`.status`) -> the ``workbench book`` and ``workbench status``
commands and the follow-up notebook.  What shows them sits above: the fan chart and the written
folder in :mod:`workbench.reporting` (:mod:`~workbench.reporting.followup_charts`,
:mod:`~workbench.reporting.followup_report`), the dashboard's panel in
:mod:`workbench.dashboard.followup_panel`.
"""
