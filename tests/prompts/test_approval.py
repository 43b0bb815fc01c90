"""A second pair of eyes for safety words (issue 26, item 2): a change to words that say 999, a phone number
or "danger", or to the key guide, waits for another editor or admin, who sees the difference and approves or
sends it back (both audited); everything else publishes as before; waiting words never reach callers."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.flow import load_flow
from ivr.prompts import store
from ivr.prompts.approval import needs_approval

from ..conftest import ROOT, Caller
from ..helpers.pages import sign_in, token

NUMBERS = load_flow(ROOT / "flows.yaml", ROOT / "prompts").settings.numbers
EDIT = "/admin/prompts/en-GB/welcome.greeting"
REVIEW = "/admin/prompts/en-GB/welcome.greeting/approval"
SHIPPED = (
    "Welcome to the after-trial support line, for victims and witnesses of crime. "
    "If you are in danger now, hang up and call 999."
)
NEW = "Welcome to the after-trial support line. If you are in danger right now, hang up and call 999."


@pytest.mark.parametrize(
    ("prompt_id", "live", "new", "reasons"),
    [
        ("welcome.greeting", SHIPPED, NEW, ["it says 999", 'it says "danger"']),
        ("goodbye", "Goodbye.", "Goodbye. If you are frightened, call nine nine nine.", ["it says 999"]),
        ("goodbye", "Goodbye.", "Goodbye. The helpline is on 0845 758 5112.", ["it says a phone number"]),
        ("goodbye", "Goodbye.", "Call the police on 101 if you need to.", ["it says a phone number"]),
        ("goodbye", "Goodbye.", "Os ydych chi mewn perygl, ffoniwch 999.", ["it says 999", 'it says "danger"']),
        ("keys.intro", "Press 0 for a person.", "Press 0 for a person, 9 for more time.", [
            "it is the key guide, where callers learn that 0 reaches a person"]),
        ("welcome.greeting", SHIPPED, "Welcome to the after-trial support line.", [
            "the words callers hear now say 999", 'the words callers hear now say "danger"']),
        ("goodbye", "Goodbye.", "Thank you for calling. Goodbye.", []),
        ("protection.parole", "It decides if it is safe to release dangerous prisoners.", "It decides.", []),
        ("welcome.greeting", SHIPPED, SHIPPED, []),  # the same words confirmed: nothing changes
    ],
)  # fmt: skip
def test_which_changes_are_safety_words(prompt_id, live, new, reasons):
    assert needs_approval(prompt_id, live, new, NUMBERS) == reasons


def actions(app) -> list[tuple[str, str, str]]:
    with app.extensions["ivr.db"].session() as s:
        return [(e.actor, e.action, e.detail) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def greeting(client) -> str:
    return Caller(client).ring().text


@pytest.fixture
def second(app, make_staff):
    """Another editor, signed in on their own browser."""
    other = app.test_client()
    sign_in(other, make_staff("second@example.org", "editor"))
    return other


def ask(editor, text=NEW):
    response = editor.post(f"{EDIT}/save", data={"csrf_token": token(editor, EDIT), "text": text, "revision": 0})
    assert response.status_code == 302
    return editor.post(f"{EDIT}/publish", data={"csrf_token": token(editor, EDIT), "revision": 1}, follow_redirects=True)


def test_safety_words_wait_for_approval_and_callers_keep_the_old_words(app, editor, second, client):
    page = html.unescape(ask(editor).get_data(as_text=True))
    assert "Waiting for approval: these are safety words (it says 999; it says \"danger\")" in page
    assert 'id="waiting-for-approval"' in page
    assert greeting(client).startswith(SHIPPED)
    with app.extensions["ivr.db"].session() as s:
        draft = store.get_draft(s, "en-GB", "welcome.greeting")
        assert (draft.waiting_by, draft.text) == ("editor@example.org", NEW)
    assert ("editor@example.org", "prompt.approval.asked") in [a[:2] for a in actions(app)]
    listed = html.unescape(second.get("/admin/prompts/approvals").get_data(as_text=True))
    assert "editor@example.org" in listed and 'href="/admin/prompts/en-GB/welcome.greeting/approval"' in listed


def test_the_writer_cannot_approve_their_own_words(app, editor, second, client):
    ask(editor)
    review = html.unescape(editor.get(REVIEW).get_data(as_text=True))
    assert "someone else must approve them" in review and "Approve and publish" not in review
    forced = editor.post(f"{REVIEW[:-9]}/approve", data={"csrf_token": token(editor, REVIEW), "revision": 1})
    assert forced.status_code == 403
    assert greeting(client).startswith(SHIPPED)


def test_a_second_editor_sees_the_difference_and_approves(app, editor, second, client):
    ask(editor)
    review = html.unescape(second.get(REVIEW).get_data(as_text=True))
    assert "<del><span class=\"govuk-visually-hidden\">removed: </span>line, for victims and witnesses of crime.</del>" in review
    assert "<ins><span class=\"govuk-visually-hidden\">added: </span>right</ins>" in review
    assert "It says 999." in review and "Approve and publish" in review
    approved = second.post(f"{REVIEW[:-9]}/approve", data={"csrf_token": token(second, REVIEW), "revision": 1})
    assert approved.status_code == 302
    assert greeting(client).startswith(NEW)
    with app.extensions["ivr.db"].session() as s:
        assert store.get_draft(s, "en-GB", "welcome.greeting") is None
        [version] = store.history(s, "en-GB", "welcome.greeting")
        assert version.published_by == "editor@example.org, approved by second@example.org"
    [event] = [a for a in actions(app) if a[1] == "prompt.approval.approved"]
    assert event[0] == "second@example.org"
    assert "asked by editor@example.org, approved by second@example.org" in event[2]


def test_sent_back_words_stay_a_draft_with_the_note(app, editor, second, client):
    ask(editor)
    url = f"{REVIEW[:-9]}/send-back"
    empty = second.post(url, data={"csrf_token": token(second, REVIEW), "revision": 1, "note": " "})
    assert empty.status_code == 400 and "Say what should change" in empty.get_data(as_text=True)
    note = "Keep 'for victims and witnesses of crime': callers need to know they rang the right line."
    sent = second.post(url, data={"csrf_token": token(second, REVIEW), "revision": 1, "note": note})
    assert sent.status_code == 302
    assert greeting(client).startswith(SHIPPED)
    page = html.unescape(editor.get(EDIT).get_data(as_text=True))
    assert 'id="sent-back"' in page and "second@example.org" in page and note in page
    assert 'id="waiting-for-approval"' not in page
    [event] = [a for a in actions(app) if a[1] == "prompt.approval.sent_back"]
    assert event[0] == "second@example.org" and "asked by editor@example.org" in event[2]
    assert second.get(REVIEW).status_code == 404  # nothing waits any more


def test_words_changed_after_asking_must_be_asked_about_again(app, editor, second, client):
    ask(editor)
    resaved = editor.post(f"{EDIT}/save", data={"csrf_token": token(editor, EDIT), "text": NEW + " Take care.", "revision": 1})
    assert resaved.status_code == 302
    late = second.post(f"{REVIEW[:-9]}/approve", data={"csrf_token": token(second, EDIT), "revision": 1})
    assert late.status_code == 404  # not waiting: the new words were never asked about
    assert greeting(client).startswith(SHIPPED)


def test_other_words_publish_at_once_as_before(app, editor, second, client):
    path = "/admin/prompts/en-GB/goodbye"
    editor.post(f"{path}/save", data={"csrf_token": token(editor, path), "text": "Thank you for calling. Goodbye.", "revision": 0})
    published = editor.post(f"{path}/publish", data={"csrf_token": token(editor, path), "revision": 1})
    assert published.status_code == 302
    with app.extensions["ivr.db"].session() as s:
        assert store.get_draft(s, "en-GB", "goodbye") is None
        assert store.published_texts(s)["en-GB"]["goodbye"] == "Thank you for calling. Goodbye."


def test_with_nobody_else_to_approve_the_words_publish_and_it_is_said(app, editor, client):
    page = html.unescape(ask(editor).get_data(as_text=True))
    assert "no second person checked them: no other editor or admin has an account" in page
    assert greeting(client).startswith(NEW)
    assert "prompt.approval.nobody_else" in [a[1] for a in actions(app)]


def test_safety_words_refused_by_the_checks_never_wait(app, editor, second):
    with app.extensions["ivr.db"].session() as s:  # saved before the number check existed
        store.save_draft(s, "en-GB", "welcome.greeting", "Welcome. In danger? Call 0845 758 5113.", 0, "editor@example.org")
    response = editor.post(f"{EDIT}/publish", data={"csrf_token": token(editor, EDIT), "revision": 1})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "not one of the line's numbers" in page
    assert "Waiting for approval" not in page
    with app.extensions["ivr.db"].session() as s:
        assert not store.get_draft(s, "en-GB", "welcome.greeting").waiting
