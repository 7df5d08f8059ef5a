"""``python -m sim.dashboard``: serve the dashboard on localhost, offline.

Runs ``solara run sim.dashboard.app`` in production mode with Solara's version check
and telemetry off, so the server makes no request beyond this machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

PARSES_HELP = True  # argparse prints --help (sim.__main__)

APP = "sim.dashboard.app"


def solara_args(host: str, port: int, open_browser: bool = False) -> list[str]:
    """Arguments of ``solara run`` for the dashboard."""
    return [
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--open" if open_browser else "--no-open",
        "--log-level",
        "warning",
    ]


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port={text!r}: must be a whole number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port={port}: must be 0 (any free port) to 65535")
    return port


def check_address(host: str, port: int) -> None:
    """Fail with one line if ``host:port`` cannot be listened on (in use, no permission).

    Raises:
        SystemExit: the address cannot be bound.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as err:
        raise SystemExit(
            f"dashboard error: --host={host} --port={port} is not allowed: {err.strerror}; "
            "pick another port (--port 0: any free one)"
        ) from None


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the Solara server until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.dashboard", description="Watch a WeChat group live in the browser."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=_port, default=8765, help="port (0: any free port)")
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    check_address(args.host, args.port)
    # read by solara.server.settings on import: no usage telemetry leaves the machine
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    from solara.__main__ import cli

    print(f"groupsim dashboard: http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    cli.main(args=["run", *solara_args(args.host, args.port, args.open)], prog_name="solara")


if __name__ == "__main__":
    sys.exit(main())
