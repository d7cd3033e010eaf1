"""Analyses of the selection and of the scenario's results (learned from the EMA workbench's
``analysis`` package: apart from the models they analyse).

- :mod:`.compare`: two scenarios side by side (parameters, projects in and out, value, risk);
- :mod:`.observables`: what the model says of each published figure (one run of the stochastic model);
- :mod:`.calibrate`: the assumed parameters fitted to the published figures up to a date (history matching);
- :mod:`.backtest`: the scenario against the fund's published history, in and out of sample, and the
  power of that test;
- :mod:`.sensitivity`: Sobol indices of the fund's risk; :mod:`.capacity`: the next call's capacity.

The robustness of a selection (SMAA, chance constraints, weight stability) is the selection's own
(:mod:`workbench.selection.robustness`, :mod:`workbench.selection.draws`): the call-by-call
decisions below this package need it.

Nothing is imported here, so that importing one analysis does not load the others.
"""
