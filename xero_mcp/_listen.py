"""Serving an ASGI app on a socket bound before anything is announced.

`serve --transport http` and `sandbox` bind their port first and only then print where they listen, so a port that
is taken ends with one clear sentence (and exit status 1) instead of a banner followed by uvicorn's error.
"""

from __future__ import annotations

import socket
from typing import Any


class ListenError(OSError):
    """The address cannot be listened on; the message says why and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one). Raises ListenError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As uvicorn does: a restarted server may reuse a port whose old connections are still in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise ListenError(
            f"cannot listen on {host}:{port}: {reason}. Is another server using it? Choose another port with --port."
        ) from None
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    """http://host:port for the address a socket is bound to (IPv6 addresses bracketed)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


def serve(app: Any, sock: socket.socket) -> None:
    """Serve the ASGI app on the bound socket until the process is interrupted."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
