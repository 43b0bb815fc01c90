"""Run the app under gunicorn, a production WSGI server (never Flask's dev server)."""

from __future__ import annotations

import os
import tempfile

from gunicorn.app.base import BaseApplication


class Server(BaseApplication):
    """Gunicorn with the app factory: each worker builds its own app after fork."""

    def __init__(self, options: dict, app_factory):
        self.options = options
        self.app_factory = app_factory
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return self.app_factory()


def serve(host: str, port: int, workers: int, app_factory, **extra) -> None:
    from .metrics import worker_exit

    # Every worker writes its metrics here; /metrics adds them up. A fresh folder
    # per start, so figures of a previous run never mix in.
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ivr-metrics-")
    options = {
        "child_exit": worker_exit,
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # Twilio gives up on a webhook after 15 s; a stuck worker is replaced well before.
        "timeout": 12,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        # Never log query strings or bodies: they carry call state, and a booking carries a number.
        "errorlog": "-",
        **extra,
    }
    Server(options, app_factory).run()
