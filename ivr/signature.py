"""Twilio request signatures: every webhook blueprint checks them before anything else."""

from __future__ import annotations

import functools
import hmac
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


@functools.lru_cache(maxsize=4)
def validator_for(token: str) -> RequestValidator:
    return RequestValidator(token)


def require_twilio_signature():
    """A before_request hook: 403 unless X-Twilio-Signature matches URL and parameters."""
    validator = validator_for(current_app.config["TWILIO_AUTH_TOKEN"])
    signature = request.headers.get("X-Twilio-Signature", "")
    params = request.form  # a body over MAX_CONTENT_LENGTH is refused here with 413
    if not signature:
        refuse()
    url = signed_url()
    # The usual case, settled with one HMAC: the signature is over the URL exactly as requested.
    # Only otherwise pay for the library's full check, which parses the URL and signs it twice
    # more (with and without the default port). Both compare in constant time (bytes: a header
    # may hold any character).
    expected = validator.compute_signature(url, params).encode()
    if hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return
    if not validator.validate(url, params, signature):
        refuse()


def refuse():
    log.warning("refused a webhook with a missing or wrong signature: %s", request.path)
    abort(403)
