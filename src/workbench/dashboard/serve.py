"""Serving the dashboard: the folder, command line and address Voilà is started with
(``workbench dashboard``; the server itself is :mod:`workbench.dashboard.server`)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from collections.abc import Mapping

from .. import resources
from ..errors import InputError, Problem
from ..files import ENV_PROJECT_DIR
from ..messages import msg

#: Environment variables ``workbench dashboard`` passes to the kernels Voilà starts.
ENV_SCENARIO = "WORKBENCH_SCENARIO"
ENV_PARAMETERS = "WORKBENCH_PARAMETERS_DIR"
ENV_VARIANTS = "WORKBENCH_VARIANTS_DIR"

#: The port ``workbench dashboard`` listens on without ``--port``, and how many next ports it then
#: tries, one after the other, when that one is taken (an explicit ``--port`` is never moved).
DEFAULT_PORT = 8866
DEFAULT_PORT_RETRIES = 20

#: The dashboard notebook and Voilà's settings, relative to the folder served (:mod:`workbench.resources`).
NOTEBOOK = Path(resources.NOTEBOOKS) / "dashboard.ipynb"
VOILA_CONFIG = resources.VOILA_CONFIG


def repo_root() -> Path:
    """The folder holding ``voila.json`` and ``notebooks/dashboard.ipynb``: the current folder
    when it holds both (a project's own copy), else the shipped ones
    (:func:`workbench.resources.shipped_dir`: an installed wheel's package copy or the checkout).
    """
    try:
        shipped = [resources.shipped_dir()]
    except FileNotFoundError:
        shipped = []
    for cand in (Path.cwd(), *shipped):
        if (cand / VOILA_CONFIG).is_file() and (cand / NOTEBOOK).is_file():
            return cand
    raise InputError([Problem(str(NOTEBOOK), "", str(Path.cwd()),
                              msg("E_DASHBOARD_NOT_FOUND"))])


def serve_command(scenario: str | os.PathLike | None = None, port: int = DEFAULT_PORT, ip: str = "127.0.0.1",
                  root: Path | None = None, variants_dir: str | os.PathLike | None = None,
                  extra_args: tuple[str, ...] = (), token: str | None = None,
                  allow_hosts: tuple[str, ...] = (), port_retries: int = 0,
                  trusted_proxies: tuple[str, ...] = (), lang: str | None = None,
                  ) -> tuple[list[str], dict[str, str], Path]:
    """The command line, environment and folder that serve the dashboard with Voilà.

    The server is :mod:`workbench.dashboard.server` (Voilà with bounded kernels and websockets);
    it reads ``voila.json`` from the folder it starts in (the project root): pre-heated kernels,
    execution timeout, idle-kernel culling, hidden tracebacks, the Host and Origin checks.  Once
    it answers, it prints the page's address (the port it holds, the token) as one line on its
    standard output; its log goes to standard error and never shows the token.

    Parameters
    ----------
    token : str, optional
        The token a page must bring (``?token=...``, then a cookie), as Jupyter does.  ``None``
        (default) draws a new random one; ``""`` serves without a token (explicit opt-out, only
        for a loopback ``ip``).  It is passed in the environment (``JUPYTER_TOKEN``), not on the
        command line, so ``ps`` does not show it.  :func:`dashboard_url` gives the page's address.
    allow_hosts : tuple of str
        Host names accepted in the ``Host`` header besides ``localhost`` and loopback addresses
        (the name a reverse proxy forwards).  With a non-loopback ``ip`` the Host check is off,
        as in Jupyter, and the token is what protects the server.
    port_retries : int
        How many next ports the server tries, one after the other, when ``port`` is taken
        (default 0: that port or none; the server then exits with status 2 and prints nothing
        with the token).
    trusted_proxies : tuple of str
        Addresses (or networks) of reverse proxies whose ``X-Forwarded-For`` names the client the
        page caps count (:func:`workbench.dashboard.server.client_address`); default none: every
        page behind a proxy is one client, the proxy.
    lang : str, optional
        Language of what the server prints (its address, a taken port); default
        ``$WORKBENCH_LANG``, else French.
    variants_dir : path, optional
        Where the committee's variants are saved.  Default: ``parameters/variants/`` of the
        checkout; served from an installed wheel, ``variants/`` of the working folder (which is
        then also the project folder of :mod:`workbench.limits`), never the package's folder.

    Returns
    -------
    (list of str, dict, Path)
        ``argv`` to run, the environment (with :data:`ENV_SCENARIO` when ``scenario`` is given)
        and the working folder.
    """
    import ipaddress
    import secrets

    root = Path(root) if root is not None else repo_root()
    # served from an installed wheel's package copy: the user's files (the project folder, saved
    # variants) are those of the folder the command starts in, not the package's
    packaged = resources.installed_copy() and Path(root).resolve() == resources.shipped_dir().resolve()
    env = dict(os.environ)
    if scenario is not None:
        env[ENV_SCENARIO] = str(Path(scenario).resolve())
    if variants_dir is None and packaged:
        variants_dir = Path.cwd() / "variants"
    if variants_dir is not None:
        env[ENV_VARIANTS] = str(Path(variants_dir).resolve())
    env.setdefault("MPLBACKEND", "Agg")
    # the kernels run in notebooks/: recorded paths and the folders scenarios may read from
    # (workbench.limits) are those of the project
    env.setdefault(ENV_PROJECT_DIR, str(Path.cwd().resolve() if packaged else Path(root).resolve()))
    env.pop("JUPYTER_TOKEN_FILE", None)
    token = secrets.token_hex(24) if token is None else str(token)
    try:
        loopback = ipaddress.ip_address(ip).is_loopback
    except ValueError:
        loopback = ip == "localhost"
    if not token and not loopback:
        raise InputError([Problem("<option>", "--no-token", ip, msg("E_TOKEN_NEEDED"))])
    auth: list[str] = []
    if token:
        env["JUPYTER_TOKEN"] = token
        auth = ["--token"]  # Voilà then takes the token from JUPYTER_TOKEN
    else:
        env.pop("JUPYTER_TOKEN", None)
    settings = [f"--WorkbenchVoila.extra_hostnames={h}" for h in allow_hosts]
    settings += [f"--WorkbenchVoila.trusted_proxies={p}" for p in trusted_proxies]
    settings.append(f"--Voila.port_retries={int(port_retries)}")
    if lang is not None:
        settings.append(f"--WorkbenchVoila.lang={lang}")
    if not loopback:
        settings.append("--WorkbenchVoila.remote_access=True")
    cmd = [sys.executable, "-m", "workbench.dashboard.server", str(NOTEBOOK), f"--port={int(port)}",
           f"--Voila.ip={ip}", "--no-browser", f"--Voila.config_file_paths=['{root}']", *auth, *settings,
           *extra_args]
    # the page: the package's Voilà template (no outside resource, its language and title)
    from .page import with_template

    cmd, env = with_template(cmd, env, lang or "fr")
    return cmd, env, root


def dashboard_url(port: int, ip: str = "127.0.0.1", env: Mapping[str, str] | None = None,
                  token: str | None = None) -> str:
    """The page's address, with ``?token=`` when the server has one: ``token``, else the one of
    ``env`` (:func:`serve_command`)."""
    host = f"[{ip}]" if ":" in ip else ip
    token = (env or {}).get("JUPYTER_TOKEN", "") if token is None else token
    return f"http://{host}:{int(port)}/" + (f"?token={token}" if token else "")
