"""The page Voilà serves the dashboard in: the package's own Voilà template (``workbench``,
under ``jupyter/voila/templates/`` of this package), which keeps Voilà's "lab" page but fetches
nothing from outside (Voilà's page links two icon-font stylesheets on a CDN), gives the page the
dashboard's language and a meaningful title (``<html lang>``, ``<title>``, kept in step when the
committee switches language) and names the controls whose widget does not tie its label to
them.

:func:`with_template` adds it to the command line and environment of
:func:`workbench.dashboard.serve.serve_command`: Voilà finds templates in the Jupyter data
folders, so the package's folder is put first on ``JUPYTER_PATH`` for the server.
"""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Mapping

#: The template's name (its folder under :func:`template_root`'s ``voila/templates/``).
TEMPLATE = "workbench"


def template_root() -> Path:
    """The Jupyter data folder that holds the package's Voilà template."""
    return Path(__file__).resolve().parent / "jupyter"


def with_template(cmd: list[str], env: Mapping[str, str], lang: str = "fr") -> tuple[list[str], dict[str, str]]:
    """``cmd`` and ``env`` (of :func:`workbench.dashboard.serve.serve_command`) serving the page in
    the package's template, its language ``lang`` until the committee switches it."""
    env = dict(env)
    root = str(template_root())
    paths = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != root]
    env["JUPYTER_PATH"] = os.pathsep.join([root, *paths])
    args = [f"--VoilaConfiguration.template={TEMPLATE}", f"--HTMLExporter.language_code={lang}"]
    return [*cmd, *[a for a in args if a not in cmd]], env
