"""Run the app under gunicorn, a production WSGI server (never Flask's dev server)."""

from __future__ import annotations

import os
import sys
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


def prepare_metrics() -> str:
    """Point prometheus_client at a folder every worker writes its figures to; /metrics adds them up.

    Must run before anything imports prometheus_client: the library chooses between
    in-process and multiprocess values once, at import, from PROMETHEUS_MULTIPROC_DIR.
    (It was set too late once, and /metrics under `ivr serve` answered empty.) A fresh
    folder per start, so figures of a previous run never mix in.
    """
    if "prometheus_client" in sys.modules and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return ""  # too late (in-process callers such as tests): keep one process's own registry
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ivr-metrics-")
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]


def worker_exit(_server, _worker) -> None:
    """gunicorn hook, in a worker as it exits gracefully: finish what it holds (journey events) first."""
    from . import shutdown

    shutdown.run()


def serve(host: str, port: int, workers: int, app_factory, **extra) -> None:
    prepare_metrics()
    from .metrics import worker_exit as child_exit

    options = {
        "child_exit": child_exit,
        "worker_exit": worker_exit,
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # Twilio gives up on a webhook after 15 s; a stuck worker is replaced well before.
        "timeout": 12,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        # Never log query strings or bodies: they carry call state, and a booking carries a number.
        "errorlog": "-",
        # gunicorn 27's control socket (for `gunicornc`) would sit in ~/.gunicorn, one path shared by
        # every instance on the machine; nothing here uses it.
        "control_socket_disable": True,
        **extra,
    }
    Server(options, app_factory).run()
