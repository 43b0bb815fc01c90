"""Work a process finishes as it stops gracefully: what it holds in memory and owes the database.

A capability registers a function here (`at_exit`); `ivr serve` runs them in each gunicorn
worker as it exits (the `worker_exit` hook, inside the graceful timeout), and `atexit` runs them
under any other WSGI server or command. Functions are held weakly through their owner (a bound
method's object), so an app that is gone is not kept alive for its exit.

A SIGKILL, or a worker killed by gunicorn after the graceful timeout, runs nothing.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref

log = logging.getLogger(__name__)

_hooks: list[weakref.WeakMethod] = []
_lock = threading.Lock()
_registered = False


def at_exit(method) -> None:
    """Run the bound `method` when this process stops gracefully (once, however often it stops)."""
    global _registered
    with _lock:
        _hooks.append(weakref.WeakMethod(method))
        if not _registered:
            atexit.register(run)
            _registered = True


def run() -> None:
    """Run every registered function whose owner is still alive; a fault in one never stops the rest."""
    with _lock:
        alive = [ref() for ref in _hooks]
        _hooks[:] = [ref for ref, method in zip(list(_hooks), alive, strict=True) if method is not None]
    for method in alive:
        if method is None:
            continue
        try:
            method()
        except Exception as exc:  # stopping must go on
            log.warning("a stop-time task failed: %s", exc.__class__.__name__)
