"""The callback queue (caseworkers): the requests waiting, soonest due first, 50 a page, with
their due date and "overdue" in words; only mine, nobody's yet, overdue, or closed; only the
helpline's or the victim liaison officers'; find one by its reference. "Assign to me" takes a
request (one caseworker wins a race; the other is told who has it). A request's page shows the
safety answers that restrict the call as a warning first, the safe time with the hours the
caller heard, and the number only after "Show number" (a form, audited: who, when, which
request), as a `tel:` link, through Relay UK when the caller keyed 18001 or 18002.
Its status follows the work (new, assigned, attempted n of max); close it as done or could not reach, with a note.

Built on the callbacks store (`app.extensions["ivr.callbacks"]`, ivr/callbacks/store.py);
the words are in queue_words.py.
"""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..staff import staff_blueprint
from ..staff.access import requires
from ..staff.paging import page_number
from . import queue_words
from .store import Page

bp = staff_blueprint("queue", __name__)

# How a caseworker closes a request (assigned and attempted follow the work itself).
CHOICES = {
    "done": "Done: called back",
    "could_not_reach": "Could not reach",
}
LABELS = queue_words.STATUSES
# ?show= : which requests (the store's view, and open or closed ones).
SHOWN = {
    "all": ("All waiting", "all", "open"),
    "mine": ("Assigned to me", "mine", "open"),
    "unassigned": ("Nobody's yet", "unassigned", "open"),
    "overdue": ("Overdue", "overdue", "open"),
    "closed": ("Closed", "all", "closed"),
}
# ?purpose= : which callbacks ('' both).
PURPOSE_FILTERS = {"": "Both", **{key: f"{label} only" for key, label in queue_words.PURPOSES.items()}}
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


def now():
    return current_app.config["IVR_CLOCK"]()


def home_counts() -> str | None:
    """"n new, n assigned, n attempted, n overdue" for the home page, when this person works the queue."""
    if not (available() and current_user.can("queue")):
        return None
    return queue_words.counted(callbacks().counts(now()))


@bp.get("/queue")
@requires("queue")
def queue():
    """Requests waiting, soonest due first, 50 a page; mine / nobody's / overdue / closed; by purpose; by reference."""
    store = callbacks()
    if "reference" in request.args:
        return find(request.args["reference"])
    shown, purpose = request.args.get("show", "all"), request.args.get("purpose", "")
    if shown not in SHOWN or purpose not in PURPOSE_FILTERS:
        field, links = ("show", "Which requests") if shown not in SHOWN else ("purpose", "Which callbacks")
        error = f"There is no such list of requests: choose one of the links under “{links}”"
        empty = Page((), 0, 1)
        return render_queue(empty, "all", "", store.counts(now()), errors={field: error}), 400
    number = page_number(request.args.get("page"))
    _, view, state = SHOWN[shown]
    moment = now()
    page = store.page(moment, view=view, staff=current_user.email, purpose=purpose or None, state=state, number=number)
    if page.number != number:  # past the last page
        abort(404)
    counts = store.counts(moment)
    where = "" if (shown, purpose, number) == ("all", "", 1) else f" ({shown}, {purpose or 'both'}, page {number})"
    audit.record_now("queue.view", f"{counts['new']} new, {counts['overdue']} overdue{where}")
    return render_queue(page, shown, purpose, counts)


def render_queue(page, shown, purpose, counts=None, errors=None, reference=""):
    return render_template(
        "callbacks/queue.html",
        page=page,
        shown=shown,
        purpose=purpose,
        choices={key: label for key, (label, _, _) in SHOWN.items()},
        purposes=PURPOSE_FILTERS,
        purpose_names=queue_words.PURPOSES,
        counts=counts or {},
        labels=LABELS,
        status_words=status_words,
        counted=queue_words.counted,
        safe_time=queue_words.safe_time,
        now=now(),
        errors=errors or {},
        reference=reference,
    )


def find(raw: str):
    """The request with exactly this reference, or the queue page saying why there is none."""
    from .store import REFERENCE_DIGITS

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
            return redirect(url_for("queue.queue_request", reference=item.reference))
        error = f"No request has the reference {reference}: check it and try again"
    return render_queue(Page((), 0, 1), "all", "", errors={"reference": error}, reference=raw[:40]), 404


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
    if not item.is_open:
        flash(f"Request {item.reference} is closed, so its number is no longer shown.", "error")
        return redirect(url_for("queue.queue_request", reference=item.reference), 303)
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
        "callbacks/queue_request.html",
        item=item,
        number=queue_words.number_to_ring(item.number, item.relay) if show_number else None,
        purpose_names=queue_words.PURPOSES,
        now=now(),
        heading=queue_words.heading(item),
        listening=queue_words.listening(item.asked_at),
        consent=queue_words.consent(item),
        same_number=callbacks().same_number(item.reference),
        history=queue_words.history(item),
        safe_time=queue_words.safe_time(item.safe_time),
        warnings=queue_words.restrictions(item.voicemail_ok, item.say_who_is_calling),
        labels=LABELS,
        status_words=status_words,
        choices=CHOICES,
        errors=errors or {},
        form=form or {},
    )


def held_by_another(item) -> bool:
    """Whether somebody other than me holds this request (and I have not said to go ahead)."""
    mine = item.assigned_to in (None, current_user.email)
    return not mine and request.form.get("confirm") != "yes"


def ask_first(item, action: str, question: str, fields: dict[str, str]):
    """"This request is casey@example.org's. Record this attempt anyway?": a page to say yes or go back."""
    if not item.assigned_to:
        abort(409)
    return render_template(
        "callbacks/queue_confirm.html",
        item=item,
        question=f"This request is {item.assigned_to}'s. {question}",
        action=action,
        fields=fields,
    ), 409


def status_words(item) -> str:
    """'Attempted (1 of 3)': the request's status in words, with the failed attempts of those allowed."""
    return queue_words.status_words(item, callbacks().max_attempts)


@bp.post("/queue/<reference>")
@requires("queue")
def queue_update(reference):
    """Close a request as done or could not reach, with a note."""
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
    item = _request_or_404(reference)
    if not item.is_open:
        return render_request(item, {"status": f"Request {item.reference} is closed already: it cannot be changed"}), 409
    if held_by_another(item):
        action = url_for("queue.queue_update", reference=item.reference)
        return ask_first(item, action, "Close it anyway?", {"status": status, "note": note})
    from .store import StoreError

    try:
        item = store.set_status(reference, status, now(), note, staff=current_user.email)
    except StoreError:
        abort(404)
    audit.record_now("queue.status", f"request {item.reference}: {status}{' with a note' if note else ''}")
    flash(f"Request {item.reference} marked: {CHOICES[status]}.", "success")
    return redirect(url_for("queue.queue"))


@bp.post("/queue/<reference>/assign")
@requires("queue")
def queue_assign(reference):
    """Assign a request to me, if nobody has it: of two caseworkers at once, one wins; the other is told who."""
    item = _request_or_404(reference)
    me = current_user.email
    if callbacks().assign(item.reference, me, now()):
        audit.record_now("queue.assign", f"request {item.reference} assigned to {me}")
        flash(f"Request {item.reference} is assigned to you.", "success")
    else:
        holder = callbacks().get(item.reference).assigned_to
        if holder == me:
            flash(f"Request {item.reference} is already assigned to you.", "info")
        elif holder:
            flash(f"Request {item.reference} is already assigned to {holder}. Nothing was changed.", "error")
        else:
            flash(f"Request {item.reference} is closed, so it cannot be assigned.", "error")
    return redirect(url_for("queue.queue_request", reference=item.reference), 303)


@bp.post("/queue/<reference>/release")
@requires("queue")
def queue_release(reference):
    """Give back a request assigned to me: nobody's again, for anyone to take."""
    item = _request_or_404(reference)
    if callbacks().release(item.reference, current_user.email, now()):
        audit.record_now("queue.release", f"request {item.reference} given back by {current_user.email}")
        flash(f"You gave back request {item.reference}: it is nobody's now.", "success")
    else:
        flash(f"Request {item.reference} is not assigned to you, so there was nothing to give back.", "error")
    return redirect(url_for("queue.queue_request", reference=item.reference), 303)
