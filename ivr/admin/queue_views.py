"""The callback queue (caseworkers): oldest new requests first; a request shows the
number, the safe time and the voicemail and caller-ID answers; mark it in progress,
done or could not reach, with a note. Opening a request (its number) is audited.

Built on the callbacks store (`app.extensions["ivr.callbacks"]`, ivr/callbacks/store.py).
"""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from . import audit, bp
from .access import requires

CHOICES = {
    "in_progress": "In progress",
    "done": "Done: called back",
    "could_not_reach": "Could not reach",
}
LABELS = {"new": "New", **CHOICES}
SAFE_TIMES = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening", "any": "Any time"}
_REFERENCE = re.compile(r"^\d{4,12}$")


def available() -> bool:
    """Whether the callback store this queue reads is set up in this app."""
    return current_app.extensions.get("ivr.callbacks") is not None


@bp.app_context_processor
def _queue_flag():
    return {"queue_available": available}


def callbacks():
    store = current_app.extensions.get("ivr.callbacks")
    if store is None:
        abort(404)
    return store


def spoken_groups(number: str | None) -> str:
    """A number as it is easiest to read out: +44 7700 900123."""
    if not number:
        return "(cannot be opened: check IVR_DATA_KEY)"
    import phonenumbers

    try:
        return phonenumbers.format_number(
            phonenumbers.parse(number, "GB"), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return number


def yes_no(answer) -> str:
    return {True: "Yes", False: "No"}.get(answer, "Not answered")


@bp.get("/queue")
@requires("queue")
def queue():
    """Callback requests waiting: new ones oldest first, then those in progress."""
    store = callbacks()
    waiting = store.list("new")
    working = store.list("in_progress")
    closed = sorted(store.list("done") + store.list("could_not_reach"), key=lambda c: c.status_at, reverse=True)[:20]
    audit.record_now("queue.view", f"{len(waiting)} new, {len(working)} in progress")
    return render_template(
        "admin/queue.html", waiting=waiting, working=working, closed=closed, labels=LABELS, times=SAFE_TIMES
    )


@bp.get("/queue/<reference>")
@requires("queue")
def queue_request(reference):
    """One request, with the number to ring (opening it is audited)."""
    if not _REFERENCE.match(reference):
        abort(404)
    item = callbacks().get(reference)
    if item is None:
        abort(404)
    return render_request(item)


def render_request(item, errors=None, form=None):
    """One request's page: its number in spoken groups, its answers, the status form.
    Every showing of the number is audited (the page again after a form error too)."""
    again = " again, after a form error" if errors else ""
    audit.record_now("queue.open", f"request {item.reference} (number shown{again})")
    return render_template(
        "admin/queue_request.html",
        item=item,
        number=spoken_groups(item.number),
        labels=LABELS,
        choices=CHOICES,
        times=SAFE_TIMES,
        yes_no=yes_no,
        errors=errors or {},
        form=form or {},
    )


@bp.post("/queue/<reference>")
@requires("queue")
def queue_update(reference):
    """Mark a request in progress, done or could not reach, with a note."""
    if not _REFERENCE.match(reference):
        abort(404)
    store = callbacks()
    status = request.form.get("status", "")
    note = request.form.get("note", "").strip()
    errors = {}
    if status not in CHOICES:
        errors["status"] = "Choose what happened"
    if len(note) > 1000:
        errors["note"] = "The note must be 1000 characters or fewer"
    if errors:
        item = store.get(reference)
        if item is None:
            abort(404)
        return render_request(item, errors, {"status": status, "note": note}), 400
    from ..callbacks.store import StoreError

    try:
        item = store.set_status(reference, status, current_app.config["IVR_CLOCK"](), note)
    except StoreError:
        abort(404)
    audit.record_now("queue.status", f"request {item.reference}: {status}{' with a note' if note else ''}")
    flash(f"Request {item.reference} marked: {CHOICES[status]}.", "success")
    return redirect(url_for("admin.queue"))
