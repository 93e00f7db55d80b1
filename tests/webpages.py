"""A web site on 127.0.0.1 for the tests that fetch pages: the desk's fetcher may read it
when the test allows loopback addresses (`FETCH_ALLOW_LOOPBACK`)."""

import contextlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Pages = dict[str, str] | Callable[[str], str | None]


@contextlib.contextmanager
def serving(pages: Pages) -> Iterator[str]:
    """Serve `pages` (path → HTML, or a function of the path; None or a missing path is a
    404) until the block ends; yields the site's address."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages(self.path) if callable(pages) else pages.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def allow_fetching_it(settings) -> None:
    """Let the fetcher read the test's loopback site, quickly."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_TIMEOUT_SECONDS = 5
