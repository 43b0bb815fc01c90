"""The callback queue (caseworkers): built on the callbacks store (ivr/callbacks) when it exists."""

from __future__ import annotations

from . import bp


def available() -> bool:
    """Whether the callback store this queue reads is installed."""
    return False


@bp.app_context_processor
def _queue_flag():
    return {"queue_available": available}
