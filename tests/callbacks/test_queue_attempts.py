"""Attempts on a request's page: recorded by a caseworker, each kept, shown and audited; "voicemail
left" offered only when the caller said it is safe; three failed attempts close the request as
"could not reach"; bad input told next to the field, never a 500."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ivr.audit import AuditEvent

from ..helpers.pages import token

MOBILE = "+447911123456"
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IVR_DATA_KEY": Fernet.generate_key().decode()}


def book(app, index, voicemail):
    made, _ = app.extensions["ivr.callbacks"].book(
        f"CA{index:032d}", "en-GB", MOBILE, {"when": "any", "voicemail": voicemail, "identify": "yes"}, START
    )
    return made.reference


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def attempt(client, reference, outcome):
    path = f"/admin/queue/{reference}"
    return client.post(f"{path}/attempts", data={"csrf_token": token(client, path), "outcome": outcome})


def actions(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_three_failed_attempts_close_the_request_each_kept_and_audited(app, caseworker):
    reference = book(app, 1, "yes")
    page = text(caseworker.get(f"/admin/queue/{reference}"))
    assert "Attempts to ring" in page and "No attempts yet." in page and "Voicemail left" in page
    assert attempt(caseworker, reference, "no_answer").status_code == 302
    shown = text(caseworker.get(f"/admin/queue/{reference}"))
    assert "1 attempt(s), 1 failed of 3 allowed" in shown and "No answer" in shown and "caseworker@example.org" in shown
    assert attempt(caseworker, reference, "voicemail_left").status_code == 302
    last = attempt(caseworker, reference, "wrong_number")
    assert last.status_code == 302 and last.headers["Location"].endswith("/admin/queue")
    item = app.extensions["ivr.callbacks"].get(reference)
    assert item.status == "could_not_reach" and item.closed_reason == "could_not_reach"
    assert [a.outcome for a in item.attempts] == ["no_answer", "voicemail_left", "wrong_number"]
    closed = text(caseworker.get(f"/admin/queue/{reference}"))
    assert "3 attempt(s), 3 failed of 3 allowed" in closed and "What happened when you rang?" not in closed
    audited = [(actor, detail) for actor, action, detail in actions(app) if action == "queue.attempt"]
    assert audited == [
        ("caseworker@example.org", f"request {reference}: attempt 1, no answer"),
        ("caseworker@example.org", f"request {reference}: attempt 2, voicemail left"),
        (
            "caseworker@example.org",
            f"request {reference}: attempt 3, wrong number; closed as could not reach after 3 failed attempts",
        ),
    ]


def test_voicemail_is_not_offered_when_the_caller_said_it_is_not_safe(app, caseworker):
    reference = book(app, 2, "no")
    page = text(caseworker.get(f"/admin/queue/{reference}"))
    assert 'value="voicemail_left"' not in page
    assert "Voicemail is not offered: the caller said a voicemail is not safe." in page
    refused = attempt(caseworker, reference, "voicemail_left")
    assert refused.status_code == 400 and "Choose what happened when you rang" in text(refused)
    assert app.extensions["ivr.callbacks"].get(reference).attempts == ()


def test_an_answered_call_does_not_count_towards_closing(app, caseworker):
    reference = book(app, 3, "yes")
    for _ in range(3):
        assert attempt(caseworker, reference, "answered").status_code == 302
    item = app.extensions["ivr.callbacks"].get(reference)
    assert item.status == "attempted" and len(item.attempts) == 3


@pytest.mark.parametrize("outcome", ["", "hung_up"])
def test_no_outcome_is_told_next_to_the_field(app, caseworker, outcome):
    reference = book(app, 4, "yes")
    answer = attempt(caseworker, reference, outcome)
    assert answer.status_code == 400
    body = text(answer)
    assert 'href="#outcome"' in body and 'id="outcome-error"' in body


def test_an_editor_cannot_record_an_attempt(app, editor):
    reference = book(app, 5, "yes")
    answer = editor.post(
        f"/admin/queue/{reference}/attempts", data={"csrf_token": token(editor, "/admin/"), "outcome": "no_answer"}
    )
    assert answer.status_code == 403 and app.extensions["ivr.callbacks"].get(reference).attempts == ()


def test_an_unknown_request_is_not_found(app, caseworker):
    book(app, 6, "yes")
    path = "/admin/queue/999999/attempts"
    answer = caseworker.post(path, data={"csrf_token": token(caseworker, "/admin/queue"), "outcome": "no_answer"})
    assert answer.status_code == 404
