"""The callback queue: oldest new first, a request's answers, status changes with a
note, viewing a number audited (without the number), roles."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ivr.admin.models import AuditEvent

from .conftest import token

MOBILE = "+447911123456"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IVR_DATA_KEY": Fernet.generate_key().decode()}


@pytest.fixture
def bookings(app):
    store = app.extensions["ivr.callbacks"]
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    made = []
    for index, when in enumerate(["evening", "morning", "any"]):
        safety = {"when": when, "voicemail": "no" if index == 0 else "yes", "identify": "no"}
        callback, _ = store.book(f"CA{index:032d}", "en-GB", MOBILE, safety, start + dt.timedelta(minutes=index))
        made.append(callback)
    return made


def events(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_queue_lists_new_requests_oldest_first_without_numbers(app, caseworker, bookings):
    page = caseworker.get("/admin/queue").get_data(as_text=True)
    new_table = page[page.index('id="new"') : page.index('id="in-progress"')]
    positions = [new_table.index(b.reference) for b in bookings]
    assert positions == sorted(positions)
    # The number in any form (a random reference or token may hold "7911" by chance; ten digits in a row will not).
    assert "7911123456" not in "".join(page.split())
    assert ("queue.view", "3 new, 0 in progress") in events(app)


def test_a_request_shows_the_number_and_answers_and_opening_it_is_audited(app, caseworker, bookings):
    first = bookings[0]
    page = html.unescape(caseworker.get(f"/admin/queue/{first.reference}").get_data(as_text=True))
    assert "+44 7911 123456" in page
    assert "Evening" in page
    assert 'Safe to leave a voicemail</dt><dd class="govuk-summary-list__value">No' in page
    assert ("queue.open", f"request {first.reference} (number shown)") in events(app)
    assert not any("7911" in detail for _, detail in events(app))


def test_a_caseworker_marks_a_request_done_with_a_note(app, caseworker, bookings):
    first = bookings[0]
    path = f"/admin/queue/{first.reference}"
    response = caseworker.post(
        path, data={"csrf_token": token(caseworker, path), "status": "done", "note": "Rang back"}
    )
    assert response.status_code == 302
    item = app.extensions["ivr.callbacks"].get(first.reference)
    assert item.status == "done" and item.history[-1].note == "Rang back"
    assert ("queue.status", f"request {first.reference}: done with a note") in events(app)
    page = caseworker.get("/admin/queue").get_data(as_text=True)
    assert first.reference not in page[page.index('id="new"') : page.index('id="in-progress"')]


def test_saving_without_a_status_shows_the_field_error(caseworker, bookings):
    path = f"/admin/queue/{bookings[0].reference}"
    response = caseworker.post(path, data={"csrf_token": token(caseworker, path), "note": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<a href="#status">Choose what happened</a>' in page


def test_an_editor_cannot_open_the_queue(editor, bookings):
    assert editor.get("/admin/queue").status_code == 403
    assert editor.get(f"/admin/queue/{bookings[0].reference}").status_code == 403


def test_an_unknown_reference_is_not_found(caseworker, bookings):
    assert caseworker.get("/admin/queue/999999").status_code == 404
    assert caseworker.get("/admin/queue/../audit").status_code == 404
