"""Twilio request signatures: every webhook blueprint checks them before anything else."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


FORM = "application/x-www-form-urlencoded"


class Params(Mapping):
    """Twilio's POST parameters: `params["Digits"]` / `.get()` give a value, `getall()` every value.

    `getall` is what twilio's validator looks for first, so it signs these without
    the exceptions it raises looking for other mapping types.
    """

    __slots__ = ("_lists",)

    def __init__(self, pairs):
        self._lists: dict[str, list[str]] = {}
        for name, value in pairs:
            self._lists.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> str:
        return self._lists[name][0]

    def __iter__(self):
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def getall(self, name: str) -> list[str]:
        return self._lists[name]


def twilio_params() -> Params:
    """The webhook's parameters, parsed once per request for the signature check and the view.

    Twilio posts a small url-encoded form; reading it directly costs half what the
    general form parser does. Anything else (a multipart body) goes through Flask's
    parser. A body over MAX_CONTENT_LENGTH is refused here with 413.
    """
    params = request.environ.get("ivr.params")
    if params is None:
        if request.mimetype == FORM:
            body = request.get_data(cache=False).decode("utf-8", "replace")
            params = Params(parse_qsl(body, keep_blank_values=True))
        else:
            params = Params(request.form.items(multi=True))
        request.environ["ivr.params"] = params
    return params


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
    params = twilio_params()
    if not signature:
        refuse()
    url = signed_url()
    # The usual case, settled with one HMAC: the signature is over the URL exactly as requested.
    # Only otherwise pay for the library's full check, which parses the URL and signs it twice
    # more (with and without the default port). Both compare in constant time (bytes: a header
    # may hold any character).
    expected = validator.compute_signature(url, params).encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        if not validator.validate(url, params, signature):
            refuse()
    shifted = shifted_name(params)
    if shifted:
        log.warning("refused a signed webhook whose parameter %r is a known name cut short or run on", shifted[:40])
        refuse()


# The parameters the line reads. Twilio signs name+value pairs joined with no separator, so
# "Digits=2" and "Digit=s2" (or "Digits2=") sign the same: a captured request re-sent with the
# boundary moved keeps its signature but loses the key press. Other new names are accepted and
# ignored, since Twilio adds parameters over time.
READ_NAMES = (
    "AccountSid",
    "AnsweredBy",
    "CallDuration",
    "CallSid",
    "CallStatus",
    "Called",
    "Caller",
    "Confidence",
    "DialCallDuration",
    "DialCallStatus",
    "Digits",
    "FinishedOnKey",
    "From",
    "SpeechResult",
    "To",
)
_READ = frozenset(READ_NAMES)


def shifted_name(params: Mapping) -> str | None:
    """A parameter that could be re-split, keeping the signature, into a name the line reads; or None.

    Twilio signs the names in sorted order, each followed by its value, with no separator, so the
    text "Caller+447700900456Digits2" is both `Caller=+44...&Digits=2` and `Caller=+44...Digits2`.
    Refused, for any read name that is absent:
    - cut short: a proper prefix of it whose value starts with the missing letters (`Digit=s2`);
    - run on: a name that starts with it (`Digits2=`, `Digitss`);
    - run into a value: it appears in the value of a name sorted before it (`Caller=...Digits2`);
    - and an empty name, which any of these can hide behind (`=AccountSidAC...`).
    """
    if "" in params:
        return "(empty)"
    absent = _READ.difference(params)
    if not absent:
        return None
    lists = params._lists if isinstance(params, Params) else {name: [params[name]] for name in params}
    # Run into a value: one search over every value at once; the precise look only on a hit.
    values_text = "\0".join(value for values in lists.values() for value in values)
    for known in absent:
        if known in values_text:
            for name, values in lists.items():
                if name < known and any(known in value for value in values):
                    return name
    for name, values in lists.items():
        if name in _READ:
            continue
        for known in absent:
            if name.startswith(known):
                return name
            if known.startswith(name) and any(value.startswith(known[len(name) :]) for value in values):
                return name
    return None


def refuse():
    from .. import metrics

    log.warning("refused a webhook with a missing or wrong signature: %s", request.path)
    metrics.REFUSED.inc()
    abort(403)
