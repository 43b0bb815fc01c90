"""The callback queue (caseworkers): the requests waiting, oldest first, 50 a page, or those
closed; find one by its reference. A request's page shows the safety answers that restrict
the call as a warning first, the safe time with the hours the caller heard, and the number
only after "Show number" (a form, audited: who, when, which request), as a `tel:` link.
Mark a request in progress, done or could not reach, with a note.

Built on the callbacks store (`app.extensions["ivr.callbacks"]`, ivr/callbacks/store.py);
the words are in queue_words.py.
"""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from . import audit, bp, queue_words
from .access import requires
from .paging import Page, page_number

CHOICES = {
    "in_progress": "In progress",
    "done": "Done: called back",
    "could_not_reach": "Could not reach",
}
LABELS = {"new": "New", **CHOICES}
LISTS = {"open": "Waiting", "closed": "Closed"}
CAPTIONS = {"open": "Waiting: new and in progress, oldest first", "closed": "Closed, most recently closed first"}
PAGE_SIZE = 50
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


def yes_no(answer) -> str:
    return {True: "Yes", False: "No"}.get(answer, "Not answered")


@bp.get("/queue")
@requires("queue")
def queue():
    """Requests waiting (new and in progress, oldest first) or closed, 50 a page; find by reference."""
    store = callbacks()
    if "reference" in request.args:
        return find(request.args["reference"])
    shown = request.args.get("show", "open")
    if shown not in LISTS:
        abort(404)
    number = page_number(request.args.get("page"))
    waiting, working = store.list("new"), store.list("in_progress")
    if shown == "open":
        items = sorted(waiting + working, key=lambda c: (c.created_at, c.reference))
    else:
        items = sorted(store.list("done") + store.list("could_not_reach"), key=lambda c: c.status_at, reverse=True)
    page = Page.of(items, number, PAGE_SIZE)
    where = "" if (shown, number) == ("open", 1) else f" ({LISTS[shown].lower()}, page {number})"
    audit.record_now("queue.view", f"{len(waiting)} new, {len(working)} in progress{where}")
    return render_queue(page, shown, counts={"open": len(waiting) + len(working)})


def render_queue(page, shown, counts=None, errors=None, reference=""):
    return render_template(
        "admin/queue.html",
        page=page,
        shown=shown,
        lists=LISTS,
        caption=CAPTIONS[shown],
        counts=counts or {},
        labels=LABELS,
        safe_time=queue_words.safe_time,
        errors=errors or {},
        reference=reference,
    )


def find(raw: str):
    """The request with exactly this reference, or the queue page saying why there is none."""
    from ..callbacks.store import REFERENCE_DIGITS

    reference = "".join(raw.split())
    if not reference:
        error = "Enter the reference of the request you want to find"
    elif not reference.isdigit():
        error = f"A reference is made of numbers only, {REFERENCE_DIGITS} of them, like 472915"
    elif len(reference) != REFERENCE_DIGITS:
        error = f"A reference is {REFERENCE_DIGITS} numbers long, like 472915: check the reference and try again"
    else:
        item = callbacks().get(reference)
        if item is not None:
            return redirect(url_for("admin.queue_request", reference=item.reference))
        error = f"No request has the reference {reference}: check it and try again"
    empty = Page((), 1, PAGE_SIZE, 0)
    return render_queue(empty, "open", errors={"reference": error}, reference=raw[:40]), 404


@bp.get("/queue/<reference>")
@requires("queue")
def queue_request(reference):
    """One request: its answers, the warning about what not to do, the status form (opening it is audited)."""
    return render_request(_request_or_404(reference))


@bp.post("/queue/<reference>/number")
@requires("queue")
def queue_number(reference):
    """Show the number to ring (a form, so that every showing is a deliberate act, audited)."""
    item = _request_or_404(reference)
    return render_request(item, show_number=True)


def _request_or_404(reference):
    if not _REFERENCE.match(reference):
        abort(404)
    item = callbacks().get(reference)
    if item is None:
        abort(404)
    return item


def render_request(item, errors=None, form=None, show_number=False):
    """One request's page. Opening it is audited, and showing its number separately."""
    if show_number:
        audit.record_now("queue.number", f"request {item.reference}: number shown")
    else:
        again = "; page shown again after a form error" if errors else ""
        audit.record_now("queue.open", f"request {item.reference} (number not shown{again})")
    return render_template(
        "admin/queue_request.html",
        item=item,
        number=queue_words.number_to_ring(item.number) if show_number else None,
        safe_time=queue_words.safe_time(item.safe_time),
        warnings=queue_words.restrictions(item.voicemail_ok, item.say_who_is_calling),
        labels=LABELS,
        choices=CHOICES,
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
        return render_request(_request_or_404(reference), errors, {"status": status, "note": note}), 400
    from ..callbacks.store import StoreError

    try:
        item = store.set_status(reference, status, current_app.config["IVR_CLOCK"](), note)
    except StoreError:
        abort(404)
    audit.record_now("queue.status", f"request {item.reference}: {status}{' with a note' if note else ''}")
    flash(f"Request {item.reference} marked: {CHOICES[status]}.", "success")
    return redirect(url_for("admin.queue"))
