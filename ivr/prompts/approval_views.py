"""Safety words waiting for approval: the list, the page where a second editor or admin sees the difference
and approves (published, checked as any publish) or sends the words back with a note. Both are audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..staff import words
from ..staff.access import db, requires
from . import approval, store
from . import publish as publishing
from .views import bp, diff_html, known, shipped_flow, shipped_text

MAX_NOTE = 1000


def _live(session, language, prompt_id) -> str:
    live = store.published_texts(session).get(language, {}).get(prompt_id)
    return live if live is not None else shipped_text(language, prompt_id) or ""


def waiting_count() -> str | None:
    """ "n waiting" for the home page, for people who edit prompts."""
    if not current_user.can("prompts"):
        return None
    with db().session() as s:
        return f"{len(approval.waiting(s))} waiting"


@bp.get("/prompts/approvals")
@requires("prompts")
def approvals():
    """Safety words waiting for a second staff member, the longest waiting first."""
    flow = shipped_flow()
    with db().session() as s:
        rows = [
            {
                "draft": d,
                "title": words.prompt_title(flow, d.prompt_id, _live(s, d.language, d.prompt_id)),
                "mine": current_user.email in (d.waiting_by, d.edited_by),
            }
            for d in approval.waiting(s)
        ]
    return render_template("prompts/approvals.html", rows=rows)


def render_review(language, prompt_id, status=200, **extra):
    flow = shipped_flow()
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        if draft is None or not draft.waiting:
            return render_template(
                "staff/message.html",
                title="Nothing waiting for approval",
                message="These words are not waiting for approval: they were approved, sent back or changed.",
            ), 404
        live = _live(s, language, prompt_id)
    context = {
        "language": language,
        "prompt_id": prompt_id,
        "title": words.prompt_title(flow, prompt_id, live),
        "draft": draft,
        "live": live,
        "diff": diff_html(live, draft.text),
        "reasons": approval.needs_approval(prompt_id, live, draft.text, flow.settings.numbers),
        "not_mine": approval.may_approve(draft, current_user.email),
        "errors": {},
    }
    context.update(extra)
    return render_template("prompts/approval.html", **context), status


@bp.get("/prompts/<language>/<prompt_id>/approval")
@requires("prompts")
def approval_review(language, prompt_id):
    """What would change, why it needs a second pair of eyes; approve it or send it back."""
    known(language, prompt_id)
    return render_review(language, prompt_id)


def _waiting_draft(language, prompt_id):
    """(the draft's words, who asked), after the checks that this person may act on this revision."""
    seen = request.form.get("revision", 0, type=int)
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        if draft is None or not draft.waiting:
            abort(404)
        if draft.revision != seen:
            return None
        reason = approval.may_approve(draft, current_user.email)
        if reason is not None:
            return reason
        return draft.text, draft.waiting_by, draft.edited_by, seen


def _waiting_or_refusal(language, prompt_id):
    """(the waiting draft's text, who asked, who wrote it, its revision), or the page saying why it cannot be
    decided now: the words changed since the page was opened, or this person may not decide on them."""
    found = _waiting_draft(language, prompt_id)
    if found is None:
        errors = {"decision": "The words changed since you opened this page. Read them again."}
        return None, render_review(language, prompt_id, 409, errors=errors)
    if isinstance(found, str):
        return None, render_review(language, prompt_id, 403, errors={"decision": found})
    return found, None


@bp.post("/prompts/<language>/<prompt_id>/approve")
@requires("prompts")
def approval_approve(language, prompt_id):
    """Approve the words: checked and published as any publish, by the approver; audited with who asked."""
    known(language, prompt_id)
    found, refusal = _waiting_or_refusal(language, prompt_id)
    if refusal is not None:
        return refusal
    text, asked_by, written_by, seen = found
    by = f"{written_by}, approved by {current_user.email}"[:254]  # the history names both
    try:
        outcome = publishing.publish(language, prompt_id, text, by, draft_revision=seen)
    except store.Conflict:
        return render_review(
            language, prompt_id, 409, errors={"decision": "The words changed since you opened this page."}
        )
    except publishing.Refused as exc:
        return render_review(
            language, prompt_id, 400, problems=exc.problems,
            errors={"decision": "Not published: the checks found problems. Send the words back with what to fix."},
        )  # fmt: skip
    with db().session() as s:
        detail = f"{prompt_id} ({language}) version {outcome.version_id}: asked by {asked_by}, approved by {current_user.email}"
        audit.record(s, "prompt.approval.approved", detail)
    flash("Approved and published. " + outcome.message(), "success")
    return redirect(url_for("prompts.approvals"))


@bp.post("/prompts/<language>/<prompt_id>/send-back")
@requires("prompts")
def approval_send_back(language, prompt_id):
    """Not approved: the words stay a draft, with a note to whoever wrote them; audited."""
    known(language, prompt_id)
    note = " ".join(request.form.get("note", "").split())[:MAX_NOTE]
    if not note:
        return render_review(
            language, prompt_id, 400, errors={"note": "Say what should change, so the writer can fix it"}
        )
    found, refusal = _waiting_or_refusal(language, prompt_id)
    if refusal is not None:
        return refusal
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        asked_by = draft.waiting_by
        approval.send_back(s, draft, current_user.email, note)
        audit.record(s, "prompt.approval.sent_back", f"{prompt_id} ({language}) asked by {asked_by}: {note}")
    flash("Sent back: the words stay a draft, and the note is shown to whoever edits them.", "success")
    return redirect(url_for("prompts.approvals"))
