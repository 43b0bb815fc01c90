"""The Calendar page (admins): closures and extra opening days added and removed, audited, refused
plainly when the date or times cannot be read, and heard by the line and by due dates at once."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.calendar.forms import FormError, read_date, read_time
from ivr.flow import hours as line_calendar

from ..conftest import Caller
from ..helpers.pages import token

TODAY = dt.date(2026, 11, 25)  # the test clock's day (a Wednesday, the helpline open)


def actions(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, **data):
    return client.post("/admin/calendar", data={"csrf_token": token(client, "/admin/calendar"), **data})


def test_an_admin_closes_a_day_and_the_line_is_closed_that_day(app, admin_client):
    page = admin_client.get("/admin/calendar")
    assert page.status_code == 200
    assert "Friday 25 December 2026: Christmas Day" in text(page)
    done = post(admin_client, action="close", close_date="25/11/2026", close_note="Office flooded")
    assert done.status_code == 302
    listed = text(admin_client.get("/admin/calendar"))
    assert "Wednesday 25 November 2026" in listed and "Closed all day" in listed and "Office flooded" in listed
    assert "Set by admin@example.org" in listed
    assert ("admin@example.org", "calendar.close", "line closed on Wednesday 25 November 2026: Office flooded") in (
        actions(app)
    )
    # the next call hears the helpline closed (today, an open weekday)
    caller = Caller(app.test_client())
    caller.to_main_menu("1")
    answer = caller.press("0")
    assert answer.find("Dial") is None and "The victims' helpline is closed at the moment." in answer.text
    with app.test_request_context():
        app.preprocess_request()
        hours = line_calendar.helpline_hours(app.extensions["ivr.line"]().flow)
        assert line_calendar.closed_reason(hours, TODAY) == "closed by an admin: Office flooded"


def test_an_extra_opening_day_and_removing_it(app, admin_client):
    done = post(
        admin_client, action="open", open_date="2026-12-28", open_opens="10am", open_closes="14:00", open_note="cover"
    )
    assert done.status_code == 302
    listed = text(admin_client.get("/admin/calendar"))
    assert "Monday 28 December 2026" in listed and "Open 10:00 to 14:00" in listed
    calendar = app.extensions["ivr.calendar"]
    assert calendar.exceptions().extra == {dt.date(2026, 12, 28): (dt.time(10), dt.time(14))}
    removed = admin_client.post(
        "/admin/calendar/remove", data={"csrf_token": token(admin_client, "/admin/calendar"), "day": "2026-12-28"}
    )
    assert removed.status_code == 302
    assert calendar.exceptions().extra == {}
    assert [a for _, a, _ in actions(app) if a.startswith("calendar.")] == ["calendar.open", "calendar.remove"]
    assert (
        "admin@example.org",
        "calendar.remove",
        "extra opening on Monday 28 December 2026 removed",
    ) in actions(app)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"action": "close", "close_date": "", "close_note": "x"}, "close_date", "Enter the date"),
        ({"action": "close", "close_date": "31/02/2027", "close_note": "x"}, "close_date", "That date does not exist"),
        ({"action": "close", "close_date": "24/11/2026", "close_note": "x"}, "close_date", "today or later"),
        ({"action": "close", "close_date": "tomorrow", "close_note": "x"}, "close_date", "day, month and year"),
        (
            {"action": "close", "close_date": "1/12/2026", "close_note": " "},
            "close_note",
            "Enter why the line is closed",
        ),
        (
            {"action": "open", "open_date": "28/11/2026", "open_opens": "14:00", "open_closes": "10:00"},
            "open_closes",
            "after the opening time",
        ),
        (
            {"action": "open", "open_date": "28/11/2026", "open_opens": "25:00", "open_closes": "10:00"},
            "open_opens",
            "from 00:00 to 23:59",
        ),
        ({"action": "shut"}, "action", "Choose whether"),
    ],
)
def test_bad_input_is_told_next_to_its_field(app, admin_client, data, field, message):
    answer = post(admin_client, **data)
    assert answer.status_code == 400
    body = text(answer)
    assert f'href="#{field}"' in body and message in body
    assert app.extensions["ivr.calendar"].days() == []
    assert not [a for _, a, _ in actions(app) if a.startswith("calendar.")]


def test_the_same_day_twice_is_refused_plainly(app, admin_client):
    post(admin_client, action="close", close_date="1/12/2026", close_note="training")
    again = post(admin_client, action="open", open_date="1/12/2026", open_opens="9", open_closes="5pm")
    assert again.status_code == 400 and "already has a closure or extra opening" in text(again)
    assert len(app.extensions["ivr.calendar"].days()) == 1


def test_removing_a_day_not_set_or_unreadable_says_so(admin_client):
    for day in ("2026-12-02", "not-a-day"):
        answer = admin_client.post(
            "/admin/calendar/remove",
            data={"csrf_token": token(admin_client, "/admin/calendar"), "day": day},
            follow_redirects=True,
        )
        assert answer.status_code == 200 and "There is a problem" in text(answer)


def test_only_admins_open_the_calendar(app, caseworker):
    assert caseworker.get("/admin/calendar").status_code == 403
    assert caseworker.post("/admin/calendar", data={"csrf_token": token(caseworker, "/admin/queue")}).status_code == 403


def test_no_form_token_changes_nothing(app, admin_client):
    answer = admin_client.post("/admin/calendar", data={"action": "close", "close_date": "1/12/2026"})
    assert answer.status_code == 400 and app.extensions["ivr.calendar"].days() == []


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("24/12/2026", dt.date(2026, 12, 24)),
        ("24 12 2026", dt.date(2026, 12, 24)),
        ("2026-12-24", dt.date(2026, 12, 24)),
    ],
)
def test_dates_as_people_type_them(typed, expected):
    assert read_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("10:00", dt.time(10)),
        ("9.30", dt.time(9, 30)),
        ("2pm", dt.time(14)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
    ],
)
def test_times_as_people_type_them(typed, expected):
    assert read_time(typed, "opening time") == expected


def test_a_date_too_far_ahead_is_refused():
    with pytest.raises(FormError, match="three years"):
        read_date("1/1/2031", TODAY)
