"""The committee dashboard: an ipywidgets application served by Voilà.

One concern per module, imports flowing one way (``texts`` <- ``views`` <- ``caches``; ``texts`` <-
``widgets``; ``settings``, ``uploads``, ``export``, ``serve`` stand alone; ``app`` wires them):

- :mod:`.texts`: the page's CSS and typography (its words are ``D_`` codes of :mod:`workbench.messages`);
- :mod:`.settings`: the committee's :class:`Settings`, :func:`effective_scenario`, variant files;
- :mod:`.caches`: the thread-safe LRU, the keys stages are cached on, and the ``Controller`` that
  owns the cached stages and their computations, the worker threads, the debounce and the
  refresh generations;
- :mod:`.views`: pure functions from results to what is shown (table, totals, detail, comparison
  as HTML, frontier as SVG, charts as PNG, reasons and warnings);
- :mod:`.widgets`: the controls, outputs and layout (no callbacks);
- :mod:`.export`: the portfolio as CSV/XLSX with its provenance;
- :mod:`.uploads`: the kernel's private upload folder and safe file names;
- :mod:`.serve`: the folder, command line and address Voilà is started with; :mod:`.server`: the
  hardened Voilà server itself (``python -m workbench.dashboard.server``, named in ``voila.json``);
- :mod:`.disk_cache`: the disk cache of the first view (a cold kernel shows it at once);
- :mod:`.followup_panel`: the follow-up of funded projects (its own widgets and computation);
- :mod:`.app`: the :class:`Dashboard` facade (events wired to the controller and the views).

The names used by the CLI, the cache, the notebooks, the tests and the benchmarks are
re-exported here, so ``from workbench.dashboard import Dashboard`` keeps working.
"""
from .app import Dashboard
from .caches import candidates_key
from .export import export_portfolio
from .serve import (ENV_PARAMETERS, ENV_SCENARIO, ENV_VARIANTS, NOTEBOOK, VOILA_CONFIG, dashboard_url, repo_root,
                    serve_command)
from .settings import RULE_NEUTRAL, SELECTION_TOGGLES, Settings, effective_scenario, save_variant, variant_yaml
from .uploads import UPLOAD_PREFIX
from .views import figure_png, frontier_svg, shortfall_probabilities, translate_reason, translate_warning

__all__ = ["ENV_PARAMETERS", "ENV_SCENARIO", "ENV_VARIANTS", "NOTEBOOK", "RULE_NEUTRAL", "SELECTION_TOGGLES",
           "UPLOAD_PREFIX", "VOILA_CONFIG", "Dashboard", "Settings", "candidates_key", "dashboard_url",
           "effective_scenario", "export_portfolio", "figure_png", "frontier_svg", "repo_root",
           "save_variant", "serve_command", "shortfall_probabilities", "translate_reason", "translate_warning",
           "variant_yaml"]
