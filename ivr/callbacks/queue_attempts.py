"""Attempts to ring a caller back, on a request's page: record one, see every one.

The form is its own template (admin/queue_attempts.html, included by the request page).
"Voicemail left" is offered only when the caller said a voicemail is safe, and the store
refuses it otherwise. After IVR_CALLBACK_MAX_ATTEMPTS failed attempts the request closes
as "could not reach". Every attempt is kept and audited (who, which request, what happened).
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from .. import audit
from ..staff.access import requires
from . import queue_words
from .models import ANSWERED, FAILED_OUTCOMES, OUTCOMES, VOICEMAIL_LEFT
from .queue_views import bp

# What a caseworker reads for each outcome (the codes stay in the store).
OUTCOME_WORDS = {
    "answered": "Answered: we spoke",
    "no_answer": "No answer",
    "voicemail_left": "Voicemail left",
    "wrong_number": "Wrong number",
    "not_safe_to_talk": "Not safe to talk: they could not speak now",
}
OUTCOME_DONE = {
    "answered": "answered",
    "no_answer": "no answer",
    "voicemail_left": "voicemail left",
    "wrong_number": "wrong number",
    "not_safe_to_talk": "not safe to talk",
}


def outcomes_for(item) -> dict[str, str]:
    """The outcomes a caseworker may choose for this request ("voicemail left" only if it is safe)."""
    return {o: OUTCOME_WORDS[o] for o in OUTCOMES if o != VOICEMAIL_LEFT or item.voicemail_ok is True}


@bp.app_context_processor
def _attempt_words():
    return {
        "attempt_outcomes": outcomes_for,
        "attempt_words": OUTCOME_DONE,
        "attempt_failed": FAILED_OUTCOMES,
        "attempts_allowed": lambda: current_app.extensions["ivr.callbacks"].max_attempts,
        "attempt_errors": lambda: g.get("attempt_errors", {}),
        "attempt_outside": queue_words.outside_safe_time,
    }


@bp.post("/queue/<reference>/attempts")
@requires("queue")
def queue_attempt(reference):
    """Record one attempt to ring the caller; the request closes after the last failed one allowed."""
    from .queue_views import _request_or_404, ask_first, held_by_another, render_request
    from .store import StoreError

    item = _request_or_404(reference)
    outcome = request.form.get("outcome", "")
    if outcome not in outcomes_for(item):
        g.attempt_errors = {"outcome": "Choose what happened when you rang"}
        return render_request(item, errors=g.attempt_errors), 400
    if held_by_another(item):
        action = url_for("queue.queue_attempt", reference=item.reference)
        return ask_first(item, action, "Record this attempt anyway?", {"outcome": outcome})
    store = current_app.extensions["ivr.callbacks"]
    try:
        changed, closed = store.record_attempt(
            item.reference, current_user.email, outcome, current_app.config["IVR_CLOCK"]()
        )
    except StoreError as exc:
        g.attempt_errors = {"outcome": str(exc)[0].upper() + str(exc)[1:]}
        return render_request(store.get(item.reference) or abort(404), errors=g.attempt_errors), 400
    count = len(changed.attempts)
    detail = f"request {changed.reference}: attempt {count}, {OUTCOME_DONE[outcome]}"
    if closed:
        detail += f"; closed as could not reach after {changed.failed_attempts} failed attempts"
    audit.record_now("queue.attempt", detail)
    if closed:
        flash(
            f"Request {changed.reference} is closed as could not reach: {changed.failed_attempts} attempts failed.",
            "success",
        )
        return redirect(url_for("queue.queue"))
    if outcome == ANSWERED:
        flash(f"Attempt {count} recorded: answered. Mark the request done when you have finished.", "success")
    else:
        left = store.max_attempts - changed.failed_attempts
        flash(f"Attempt {count} recorded: {OUTCOME_DONE[outcome]}. {left} more failed attempt(s) close it.", "success")
    return redirect(url_for("queue.queue_request", reference=changed.reference))
