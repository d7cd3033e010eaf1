"""``workbench dashboard``: serve the committee dashboard (Voila) on this machine.

See ``docs/operations/serving-the-dashboard.md``."""
from __future__ import annotations

import os

from ..errors import InputError, Problem
from ..messages import msg


def add(sub) -> None:
    """Declare ``workbench dashboard`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "dashboard",
        help="serve the committee dashboard (Voila) on 127.0.0.1",
        description="Start Voila on notebooks/dashboard.ipynb with the settings of voila.json (pre-heated "
                    "kernels, execution timeout, idle kernels culled, tracebacks hidden). Listens on "
                    "127.0.0.1 unless --ip says otherwise; pages need the token of the printed address "
                    "unless --no-token. The address is printed on stdout once the page answers; the "
                    "server's log (stderr) never shows the token. Stop it with Ctrl-C. "
                    "See docs/operations/serving-the-dashboard.md.",
    )
    p.add_argument("--scenario", help="scenario file the dashboard opens first "
                                      "(default: the first of parameters/*.yaml)")
    p.add_argument("--port", type=int, default=None,
                   help="port to listen on, refused if taken (default: 8866, else the first free one of the "
                        "next 20)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--no-token", action="store_true",
                   help="serve without a token (only with a loopback --ip; any local user or program can then "
                        "open the dashboard)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also accept this name in the Host header (the name a reverse proxy forwards); repeatable")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="a reverse proxy's address (or network) whose X-Forwarded-For names the client the "
                        "page caps count (default none: all pages behind a proxy are one client); repeatable")


def execute(args) -> int:
    """Run ``workbench dashboard``; its exit status."""
    from ..dashboard.serve import DEFAULT_PORT, DEFAULT_PORT_RETRIES, serve_command

    problems = []
    if args.port is not None and not 1 <= args.port <= 65535:
        problems.append(Problem("<option>", "--port", args.port, msg("E_PORT")))
    if args.scenario:
        from ..scenario import load_scenario

        try:
            load_scenario(args.scenario)  # a broken scenario fails here, before the server starts
        except InputError as exc:
            problems.extend(exc.problems)
    import ipaddress

    for addr in args.trusted_proxy:
        try:
            ipaddress.ip_network(addr, strict=False)
        except ValueError:
            problems.append(Problem("<option>", "--trusted-proxy", addr, msg("E_IP_ADDRESS")))
    if problems:
        raise InputError(problems)
    # an explicit --port is that port or none (a proxy or a bookmark points to it); the default
    # moves to the next free port.  The server prints the address once it holds the port and
    # answers: printing the asked port here sent the token to whoever held it (issue 23)
    explicit = args.port is not None
    cmd, env, cwd = serve_command(scenario=args.scenario, port=args.port if explicit else DEFAULT_PORT, ip=args.ip,
                                  token="" if args.no_token else None, allow_hosts=tuple(args.allow_host),
                                  port_retries=0 if explicit else DEFAULT_PORT_RETRIES,
                                  trusted_proxies=tuple(args.trusted_proxy), lang=args.lang)
    os.chdir(cwd)
    os.execve(cmd[0], cmd, env)  # Voila replaces this process: Ctrl-C and SIGTERM reach it directly
