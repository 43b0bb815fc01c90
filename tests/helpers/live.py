"""A test app under a real threaded WSGI server on a free loopback port, for the browser tests."""

from __future__ import annotations

import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def serving(app):
    """Serve `app` until the block ends; `app.base_url` is where it listens."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{httpd.server_port}"
    try:
        yield app
    finally:
        httpd.shutdown()
        thread.join(5)
        httpd.server_close()
