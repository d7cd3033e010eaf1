"""Analyses of the selection and of the scenario's results (learned from the EMA workbench's
``analysis`` package: apart from the models they analyse).

- :mod:`.robustness`: SMAA of the criteria weights, the joint weights-and-costs index, the chance
  of staying within the envelope, the contingency portfolio, weight stability;
- :mod:`.draws`: the optimal portfolio under thousands of draws, proven by bound where it can;
- :mod:`.compare`: two scenarios side by side (parameters, projects in and out, value, risk);
- :mod:`.observables`: what the model says of each published figure (one run of the stochastic model);
- :mod:`.calibrate`: the assumed parameters fitted to the published figures up to a date (history matching);
- :mod:`.backtest`: the scenario against the fund's published history, in and out of sample, and the
  power of that test.

Nothing is imported here, so that importing one analysis does not load the others.
"""
