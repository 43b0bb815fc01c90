"""Twilio request signatures: every webhook blueprint checks them before anything else."""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def signed_url() -> str:
    """The URL Twilio signed: the public origin (IVR_PUBLIC_URL), then the path and query as sent.

    Checking against the configured origin, not the Host header, is what lets
    the line sit behind a TLS-offloading proxy or load balancer. The path is
    taken raw, as Twilio requested it (percent-encoding and all), because that
    is the text Twilio signed.
    """
    origin = current_app.config["IVR_PUBLIC_URL"].rstrip("/")
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if raw.startswith("/"):
        return origin + raw
    url = origin + quote(request.path)
    query = request.query_string.decode("utf-8", "replace")
    return f"{url}?{query}" if query else url


def require_twilio_signature():
    """A before_request hook: 403 unless X-Twilio-Signature matches URL and parameters."""
    validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
    signature = request.headers.get("X-Twilio-Signature", "")
    params = request.form  # a body over MAX_CONTENT_LENGTH is refused here with 413
    if not signature or not validator.validate(signed_url(), params, signature):
        log.warning("refused a webhook with a missing or wrong signature: %s", request.path)
        abort(403)
