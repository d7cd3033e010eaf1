"""The committee dashboard: an ipywidgets application served by Voilà (see :mod:`.app`).

The public names used by the CLI, the cache, the notebooks, the tests and the benchmarks are
re-exported here, so ``from workbench.dashboard import Dashboard`` keeps working.
"""
from .app import (ENV_PARAMETERS, ENV_SCENARIO, ENV_VARIANTS, NOTEBOOK, RULE_NEUTRAL, SELECTION_TOGGLES, UI,
                  UPLOAD_PREFIX, VOILA_CONFIG, Dashboard, Settings, candidates_key, dashboard_url,
                  effective_scenario, export_portfolio, figure_png, frontier_svg, label, repo_root,
                  save_variant, serve_command, shortfall_probabilities, translate_reason, translate_warning,
                  variant_yaml)

__all__ = ["ENV_PARAMETERS", "ENV_SCENARIO", "ENV_VARIANTS", "NOTEBOOK", "RULE_NEUTRAL", "SELECTION_TOGGLES", "UI",
           "UPLOAD_PREFIX", "VOILA_CONFIG", "Dashboard", "Settings", "candidates_key", "dashboard_url",
           "effective_scenario", "export_portfolio", "figure_png", "frontier_svg", "label", "repo_root",
           "save_variant", "serve_command", "shortfall_probabilities", "translate_reason", "translate_warning",
           "variant_yaml"]
