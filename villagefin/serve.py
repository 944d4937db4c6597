"""`villagefin serve`: the published site on http://127.0.0.1 for a look before upload (SPEC 8).

Bound to the loopback address only: the preview is for the accountant's own browser, never the network.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from .errors import UsageError

HOST = "127.0.0.1"


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
    }

    def end_headers(self) -> None:
        # a preview must show the files as they are now, not as the browser cached them
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass  # quiet: the command prints the address once


def make_server(site_dir: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server for ``site_dir`` on 127.0.0.1:``port`` (0 picks a free port); call ``serve_forever()``."""
    site = Path(site_dir)
    if not (site / "index.html").is_file():
        raise UsageError(
            f"{site} 里没有 index.html：请先运行 villagefin publish（或 --preview），或用 --out 指定网站目录。"
        )
    handler = functools.partial(_Handler, directory=str(site))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise UsageError(f"端口 {port} 无法使用（{exc.strerror or exc}）：请换一个端口再试。") from exc


def url_of(server: http.server.ThreadingHTTPServer) -> str:
    """The address to open in a browser."""
    return f"http://{HOST}:{server.server_address[1]}/index.html"


def serve(site_dir: Path, port: int = 8000) -> None:
    """Serve ``site_dir`` on 127.0.0.1 only, until Ctrl-C."""
    server = make_server(site_dir, port)
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
