"""``qhub-local``: run a local Kipu Quantum Hub.

qhub-local serve [--host 127.0.0.1] [--port 8080] [--data-dir DIR]
                 [--service [NAME=]WORKSPACE ...] [--no-example] [--anonymous]
                 [--token-ttl SECONDS]
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .domain import DomainError
from .server import LocalHub

__all__ = ["main"]


def _service(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    workspace = Path(path if sep else name)
    return (name if sep else workspace.resolve().name), workspace


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qhub-local", description="A local Kipu Quantum Hub.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Hub until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve.add_argument("--data-dir", type=Path, default=Path(".qhub-local"))
    serve.add_argument(
        "--service",
        action="append",
        type=_service,
        default=[],
        metavar="[NAME=]WORKSPACE",
        help="serve a service workspace (repeatable); NAME defaults to the directory name",
    )
    serve.add_argument(
        "--no-example", action="store_true", help="don't serve the bundled quickstart"
    )
    serve.add_argument(
        "--anonymous", action="store_true", help="accept any bearer token at the gateway"
    )
    serve.add_argument("--token-ttl", type=float, default=3600.0, help="gateway token lifetime (s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qhub-local`` command."""
    args = _parser().parse_args(argv)
    try:
        hub = LocalHub(
            args.data_dir,
            services=dict(args.service),
            host=args.host,
            port=args.port,
            example=not args.no_example,
            anonymous=args.anonymous,
            token_ttl=args.token_ttl,
        )
    except DomainError as error:
        print(f"qhub-local: {error.message}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    connection = hub.start()
    print(f"Local Kipu Quantum Hub at {connection.base_url}")
    print(f"  token endpoint  {connection.token_endpoint}")
    for name, url in connection.services.items():
        print(f"  service {name:<8} {url}")
    print(f"  quantum API     {connection.quantum_url}")
    print(f"  platform        {connection.platform_url}")
    print(f"credentials and URLs: {hub.data_dir / 'connection.json'} (keep it private)", flush=True)
    stop.wait()
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
