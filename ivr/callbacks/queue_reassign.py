"""No request stuck with somebody who cannot work it: an admin reassigns any open request (to
anyone who works the queue, or back to the queue), and switching an account off returns its open
requests to the queue (the staff shell calls `account_off` through the hook list
app.extensions["ivr.staff.account_off_hooks"]; it imports nothing of this capability). Each is
audited and written in the request's history with who did it.

Working a request somebody else holds asks first (queue_views.ask_first).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from .. import audit
from ..staff.access import db, requires
from ..staff.accounts import who_can
from .queue_views import _request_or_404, bp, callbacks, now, render_request
from .records import StoreError


def assignable(holder: str | None) -> list[str]:
    """Who an admin may give a request to: the active accounts that work the queue, but its holder."""
    with db().session() as session:
        return [email for email in who_can(session, "queue") if email != holder]


@bp.app_context_processor
def _reassign_words():
    return {"reassign_to": assignable}


@bp.post("/queue/<reference>/reassign")
@requires("accounts")
def queue_reassign(reference):
    """Give an open request to someone who works the queue, or back to the queue (admins)."""
    item = _request_or_404(reference)
    to = request.form.get("to", "").strip()
    if to and to not in assignable(item.assigned_to):
        return render_request(item, errors={"reassign-to": "Choose someone who works the callback queue"}), 400
    try:
        moved = callbacks().reassign(item.reference, to or None, current_user.email, now())
    except StoreError:
        flash(f"Request {item.reference} is closed, so it cannot be reassigned.", "error")
        return redirect(url_for("queue.queue_request", reference=item.reference), 303)
    what = f"reassigned to {to}" if to else "returned to the queue"
    audit.record_now("queue.reassign", f"request {moved.reference} {what} (was {item.assigned_to or 'nobody'})")
    flash(f"Request {moved.reference} is {'now assigned to ' + to if to else 'back in the queue: nobody has it'}.",
          "success")
    return redirect(url_for("queue.queue_request", reference=moved.reference), 303)


def account_off(email: str, by: str) -> str | None:
    """The staff shell's hook: the open requests `email` held go back to the queue (audited)."""
    store = current_app.extensions.get("ivr.callbacks")
    if store is None:
        return None
    returned = store.return_to_queue(email, by, now(), f"{email}'s account was switched off")
    if not returned:
        return None
    listed = ", ".join(returned)
    audit.record_now("queue.returned", f"{len(returned)} request(s) held by {email} returned to the queue: {listed}")
    many = "callback request" if len(returned) == 1 else "callback requests"
    return f"{len(returned)} {many} {email} held {'is' if len(returned) == 1 else 'are'} back in the queue: {listed}."
