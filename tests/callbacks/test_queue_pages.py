"""The callback queue: waiting requests soonest due first (overdue in words), 50 a page, filtered
(mine, nobody's, overdue, closed; helpline or liaison), found by reference; "Assign to me" (the
loser of a race told who has it); a request's answers, the warning about what not to do, the
number only after "Show number" (a form with its CSRF token, audited: who, which request, never
the number), through Relay UK when keyed so; status changes with a note; roles; the home page's counts."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.callbacks import queue_words

from ..conftest import ROOT
from ..helpers.pages import token

MOBILE = "+447911123456"
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def app_config(app_config):
    # Many requests from one number, booked straight through the store, which holds the daily limit per number
    # (issue 22, item 1; tested in test_limit.py): these tests are about the pages, so the limit is set out of reach.
    return {**app_config, "IVR_DATA_KEY": Fernet.generate_key().decode(), "IVR_BOOKINGS_PER_NUMBER_PER_DAY": "1000"}


def book(app, index, when="any", voicemail="yes", identify="yes", number=MOBILE, due=None, **extra):
    """A request booked `index` minutes after START, due two days after booking unless `due` is given."""
    safety = {"when": when, "voicemail": voicemail, "identify": identify}
    booked = START + dt.timedelta(minutes=index)
    callback, _ = app.extensions["ivr.callbacks"].book(
        f"CA{index:032d}", "en-GB", number, safety, booked, due_at=due or booked + dt.timedelta(days=2), **extra
    )
    return callback


@pytest.fixture
def bookings(app):
    # The first: no voicemail and do not say who is calling; the others: only the second.
    return [
        book(app, index, when, "no" if index == 0 else "yes", "no")
        for index, when in enumerate(["evening", "morning", "any"])
    ]


def events(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def actions(app):
    return [(action, detail) for _, action, detail in events(app)]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def show_number(client, reference, with_token=True):
    path = f"/admin/queue/{reference}"
    data = {"csrf_token": token(client, path)} if with_token else {}
    return client.post(f"{path}/number", data=data)


def test_the_queue_lists_waiting_requests_oldest_first_without_numbers(app, caseworker, bookings):
    page = caseworker.get("/admin/queue").get_data(as_text=True)
    table = page[page.index('id="requests"') :]
    positions = [table.index(b.reference) for b in bookings]
    assert positions == sorted(positions)
    # The number in any form (a random reference or token may hold "7911" by chance; ten digits in a row will not).
    assert "7911123456" not in "".join(page.split())
    assert "tel:" not in page
    assert ("queue.view", "3 new, 0 overdue") in actions(app)


def test_the_number_is_hidden_until_show_number_and_then_a_tel_link_in_uk_form(app, caseworker, bookings):
    first = bookings[0]
    page = text(caseworker.get(f"/admin/queue/{first.reference}"))
    assert "7911123456" not in "".join(page.split()) and "tel:" not in page
    assert 'Hidden until you choose "Show number"' in page
    assert ("queue.open", f"request {first.reference} (number not shown)") in actions(app)

    response = show_number(caseworker, first.reference)
    page = text(response)
    assert response.status_code == 200
    assert '<a class="govuk-link" href="tel:+447911123456">07911 123456</a>' in page
    assert ("caseworker@example.org", "queue.number", f"request {first.reference}: number shown") in events(app)
    assert not any("7911" in detail for _, _, detail in events(app))
    # The status form on the page still posts to the request, not to the show-number address.
    assert f'action="/admin/queue/{first.reference}"' in page


def test_a_number_abroad_is_shown_in_international_form(app, caseworker):
    abroad = book(app, 7, number="+33612345678")
    page = text(show_number(caseworker, abroad.reference))
    assert '<a class="govuk-link" href="tel:+33612345678">+33 6 12 34 56 78</a>' in page


def test_show_number_without_the_form_token_shows_nothing_and_records_nothing(app, caseworker, bookings):
    response = show_number(caseworker, bookings[0].reference, with_token=False)
    assert response.status_code == 400 and "The form had expired" in text(response)
    assert "7911123456" not in "".join(text(response).split())
    assert not any(action == "queue.number" for action, _ in actions(app))


def test_an_editor_cannot_show_a_number(app, editor, bookings):
    response = editor.post(
        f"/admin/queue/{bookings[0].reference}/number", data={"csrf_token": token(editor, "/admin/")}
    )
    assert response.status_code == 403
    assert "7911123456" not in "".join(text(response).split())
    assert not any(action == "queue.number" for action, _ in actions(app))


def test_show_number_for_an_unknown_request_is_not_found(caseworker, bookings):
    response = caseworker.post("/admin/queue/999999/number", data={"csrf_token": token(caseworker, "/admin/queue")})
    assert response.status_code == 404


def warning_box(page: str) -> str:
    match = re.search(
        r'<div class="govuk-notification-banner" role="region" aria-labelledby="call-warning-title".*?</ul>', page, re.S
    )
    return match.group(0) if match else ""


def test_answers_that_restrict_the_call_are_a_warning_first_not_a_row(caseworker, bookings):
    page = text(caseworker.get(f"/admin/queue/{bookings[0].reference}"))
    box = warning_box(page)
    assert '<h2 class="govuk-notification-banner__title" id="call-warning-title">Warning: before you ring</h2>' in box
    assert "Do not leave a voicemail message: the caller said it is not safe." in box
    assert "Do not say who is calling or where you are calling from: the caller said it is not safe." in box
    assert page.index("call-warning") < page.index('class="govuk-summary-list"')
    assert "Safe to leave a voicemail" not in page and "Safe to say who is calling" not in page

    page = text(caseworker.get(f"/admin/queue/{bookings[1].reference}"))
    box = warning_box(page)
    assert "voicemail" not in box and "Do not say who is calling" in box
    assert 'Safe to leave a voicemail</dt><dd class="govuk-summary-list__value">Yes' in page


def test_no_warning_when_every_answer_allows_it(app, caseworker):
    booked = book(app, 9, voicemail="yes", identify="yes")
    page = text(caseworker.get(f"/admin/queue/{booked.reference}"))
    assert "call-warning" not in page
    assert 'Safe to say who is calling</dt><dd class="govuk-summary-list__value">Yes' in page


@pytest.mark.parametrize(
    ("voicemail", "identify", "expected"),
    [
        (True, True, []),
        (False, True, ["Do not leave a voicemail message: the caller said it is not safe."]),
        (None, True, ["Do not leave a voicemail message: the caller did not say it is safe."]),
        (True, None, ["Do not say who is calling or where you are calling from: the caller did not say it is safe."]),
    ],
)
def test_restrictions_read_as_instructions(voicemail, identify, expected):
    told = queue_words.restrictions(voicemail, identify)
    assert [line.split(" Say their")[0] for line in told] == expected


def test_time_bands_show_the_hours_the_caller_heard(caseworker, bookings):
    page = text(caseworker.get(f"/admin/queue/{bookings[0].reference}"))
    assert '<dd class="govuk-summary-list__value" id="safe-time">Evening, 5pm to 8pm</dd>' in page
    listing = text(caseworker.get("/admin/queue"))
    for words in ("Evening, 5pm to 8pm", "Morning, 9am to midday", "Any time, 9am to 8pm"):
        assert words in listing


@pytest.mark.parametrize(
    ("words", "hours"),
    [
        ("For the early evening, 5pm to 8pm", "5pm to 8pm"),
        ("For the morning, 9am to midday", "9am to midday"),
        ("Yn y bore, 9.30am to 12pm", "9.30am to 12pm"),
        ("For any of those times", None),
        ("", None),
    ],
)
def test_hours_in_the_words(words, hours):
    assert queue_words.hours_in(words) == hours


class TestPromptsChanged:
    """The hours come from the prompt's words: change them and the page follows."""

    @pytest.fixture
    def app_config(self, app_config, tmp_path):
        prompts = tmp_path / "prompts"
        shutil.copytree(ROOT / "prompts", prompts)
        english = prompts / "en-GB.yaml"
        words = english.read_text(encoding="utf-8")
        assert words.count("5pm to 8pm") == 1
        english.write_text(words.replace("5pm to 8pm", "6pm to 9pm"), encoding="utf-8")
        return {**app_config, "IVR_PROMPTS": str(prompts)}

    def test_the_hours_are_never_typed_twice(self, app, caseworker):
        booked = book(app, 3, when="evening")
        book(app, 4, when="any")
        assert "Evening, 6pm to 9pm" in text(caseworker.get(f"/admin/queue/{booked.reference}"))
        listing = text(caseworker.get("/admin/queue"))
        assert "Evening, 6pm to 9pm" in listing and "Any time, 9am to 9pm" in listing


def test_a_caseworker_marks_a_request_done_with_a_note(app, caseworker, bookings):
    first = bookings[0]
    path = f"/admin/queue/{first.reference}"
    response = caseworker.post(
        path, data={"csrf_token": token(caseworker, path), "status": "done", "note": "Rang back"}
    )
    assert response.status_code == 302
    item = app.extensions["ivr.callbacks"].get(first.reference)
    assert item.status == "done" and item.history[-1].note == "Rang back"
    assert ("queue.status", f"request {first.reference}: done with a note") in actions(app)
    page = caseworker.get("/admin/queue").get_data(as_text=True)
    assert first.reference not in page[page.index('id="requests"') :]
    assert first.reference in caseworker.get("/admin/queue?show=closed").get_data(as_text=True)
    assert first.reference not in caseworker.get("/admin/queue?show=all").get_data(as_text=True)


def test_saving_without_a_status_shows_the_field_error(caseworker, bookings):
    path = f"/admin/queue/{bookings[0].reference}"
    response = caseworker.post(path, data={"csrf_token": token(caseworker, path), "note": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<a href="#status">Choose what happened</a>' in page
    assert "tel:" not in page


def test_an_editor_cannot_open_the_queue(editor, bookings):
    assert editor.get("/admin/queue").status_code == 403
    assert editor.get(f"/admin/queue/{bookings[0].reference}").status_code == 403


def test_an_unknown_reference_is_not_found(caseworker, bookings):
    assert caseworker.get("/admin/queue/999999").status_code == 404
    assert caseworker.get("/admin/queue/../audit").status_code == 404


# --- find by reference -----------------------------------------------------------------


def test_find_by_reference_opens_the_request(caseworker, bookings):
    response = caseworker.get(f"/admin/queue?reference={bookings[1].reference}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/admin/queue/{bookings[1].reference}"
    )
    spaced = f"{bookings[1].reference[:3]} {bookings[1].reference[3:]}"
    assert caseworker.get("/admin/queue", query_string={"reference": spaced}).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the reference of the request you want to find"),
        ("12a456", "A reference is made of numbers only, 6 of them, like 472915"),
        ("12345", "A reference is 6 numbers long, like 472915: check the reference and try again"),
        ("07911123456", "A reference is 6 numbers long, like 472915: check the reference and try again"),
    ],
)
def test_find_refuses_what_is_not_a_reference(caseworker, bookings, typed, message):
    response = caseworker.get("/admin/queue", query_string={"reference": typed})
    page = text(response)
    assert response.status_code == 404
    assert f'<a href="#reference">{message}</a>' in page
    assert (
        f'<p id="reference-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
        in page
    )


def test_find_says_clearly_when_no_request_has_the_reference(caseworker, bookings):
    missing = next(str(n) for n in range(100000, 999999) if str(n) not in {b.reference for b in bookings})
    response = caseworker.get("/admin/queue", query_string={"reference": missing})
    assert response.status_code == 404
    assert f"No request has the reference {missing}: check it and try again" in text(response)
    assert "<title>Error: Callback queue" in text(response)


# --- paging ----------------------------------------------------------------------------


def test_fifty_a_page_with_links_to_the_others(app, caseworker):
    made = [book(app, index) for index in range(120)]
    rows = re.compile(r'href="/admin/queue/(\d+)"')
    first = text(caseworker.get("/admin/queue"))
    assert rows.findall(first) == [b.reference for b in made[:50]]
    assert "All waiting, soonest due first: 1 to 50 of 120" in first
    assert '<nav class="govuk-pagination" aria-label="Pages of requests">' in first
    assert 'href="/admin/queue?page=1" aria-label="Page 1" aria-current="page">1</a>' in first
    assert 'href="/admin/queue?page=3" aria-label="Page 3">3</a>' in first
    assert 'rel="next"' in first and 'rel="prev"' not in first

    last = text(caseworker.get("/admin/queue?page=3"))
    assert rows.findall(last) == [b.reference for b in made[100:]]
    assert "101 to 120 of 120" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert ("queue.view", "120 new, 0 overdue (all, both, page 3)") in actions(app)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1e9", "99999999", "4"])
def test_a_page_that_does_not_exist_is_not_found(app, caseworker, page):
    for index in range(120):
        book(app, index)
    assert caseworker.get("/admin/queue", query_string={"page": page}).status_code == 404


def test_one_page_needs_no_pagination(caseworker, bookings):
    assert "govuk-pagination" not in caseworker.get("/admin/queue").get_data(as_text=True)
    response = caseworker.get("/admin/queue?show=everything")
    assert response.status_code == 400
    assert (
        '<a href="#show">There is no such list of requests: choose one of the links under “Which requests”</a>'
        in text(response)
    )


# --- due dates, filters, assignment, Relay UK, attempts, the home page (issue 12's columns) ---------


def rows(page: str) -> list[str]:
    return re.findall(r'href="/admin/queue/(\d+)"', page)


def test_soonest_due_first_with_the_due_date_and_overdue_in_words(app, caseworker, clock):
    later = book(app, 0, due=dt.datetime(2026, 12, 30, 17, 0, tzinfo=dt.UTC))
    overdue = book(app, 1, due=dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC))
    sooner = book(app, 2, due=dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC))
    page = text(caseworker.get("/admin/queue"))
    assert rows(page) == [overdue.reference, sooner.reference, later.reference]
    assert (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong> was due Tuesday 24 November 2026, by 17:00' in page
    )
    assert "Wednesday 30 December 2026, by 17:00" in page
    assert page.count("Overdue</strong>") == 1
    assert "1 overdue" in page
    request_page = text(caseworker.get(f"/admin/queue/{overdue.reference}"))
    assert "Overdue</strong> was due Tuesday 24 November 2026, by 17:00" in request_page
    clock.now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    assert text(caseworker.get("/admin/queue")).count("Overdue</strong>") == 2


def test_summer_time_due_dates_are_in_uk_time(app, caseworker):
    booked = book(app, 0, due=dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC))
    assert "Tuesday 30 June 2026, by 17:00" in text(caseworker.get(f"/admin/queue/{booked.reference}"))


def test_filters_mine_nobodys_overdue_closed_and_by_purpose(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    mine = book(app, 0)
    theirs = book(app, 1, purpose="helpline")
    nobodys = book(app, 2, purpose="helpline", due=dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC))
    closed = book(app, 3)
    assert store.assign(mine.reference, "caseworker@example.org", START)
    assert store.assign(theirs.reference, "other@example.org", START)
    store.set_status(closed.reference, "done", START)

    def shown(query):
        return set(rows(text(caseworker.get(f"/admin/queue?{query}"))))

    assert shown("") == {mine.reference, theirs.reference, nobodys.reference}
    assert shown("show=mine") == {mine.reference}
    assert shown("show=unassigned") == {nobodys.reference}
    assert shown("show=overdue") == {nobodys.reference}
    assert shown("show=closed") == {closed.reference}
    assert shown("purpose=helpline") == {theirs.reference, nobodys.reference}
    assert shown("purpose=liaison") == {mine.reference}
    assert shown("show=unassigned&purpose=liaison") == set()
    page = text(caseworker.get("/admin/queue?show=mine"))
    assert "Assigned to me, soonest due first: 1 to 1 of 1" in page
    assert '<td class="govuk-table__cell">You</td>' in page
    assert "other@example.org" in text(caseworker.get("/admin/queue?purpose=helpline"))
    response = caseworker.get("/admin/queue?purpose=police")
    assert response.status_code == 400 and "choose one of the links under “Which callbacks”" in text(response)


def assign(client, reference, form_token=None):
    path = f"/admin/queue/{reference}"
    return client.post(f"{path}/assign", data={"csrf_token": form_token or token(client, path)})


def test_assign_to_me(app, caseworker, bookings):
    first = bookings[0]
    response = assign(caseworker, first.reference)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/queue/{first.reference}")
    page = text(caseworker.get(response.headers["Location"]))
    assert f"Request {first.reference} is assigned to you." in page
    assert '<dd class="govuk-summary-list__value" id="assigned">You</dd>' in page
    assert "Give back" in page and "Assign to me" not in page
    assert app.extensions["ivr.callbacks"].get(first.reference).assigned_to == "caseworker@example.org"
    assert (
        "caseworker@example.org",
        "queue.assign",
        f"request {first.reference} assigned to caseworker@example.org",
    ) in events(app)
    response = caseworker.post(
        f"/admin/queue/{first.reference}/release",
        data={"csrf_token": token(caseworker, f"/admin/queue/{first.reference}")},
    )
    assert f"You gave back request {first.reference}: it is nobody's now." in text(
        caseworker.get(response.headers["Location"])
    )
    assert app.extensions["ivr.callbacks"].get(first.reference).assigned_to is None


def test_two_caseworkers_assign_at_once_and_the_loser_is_told_who_has_it(app, caseworker, make_staff, bookings):
    from ..helpers.pages import sign_in

    other = app.test_client()
    sign_in(other, make_staff("second@example.org", "caseworker"))
    first = bookings[0]
    path = f"/admin/queue/{first.reference}"
    mine, theirs = token(caseworker, path), token(other, path)  # both pages show "Assign to me"
    assert assign(other, first.reference, theirs).status_code == 303
    lost = assign(caseworker, first.reference, mine)
    page = text(caseworker.get(lost.headers["Location"]))
    assert f"Request {first.reference} is already assigned to second@example.org. Nothing was changed." in page
    assert 'class="govuk-error-summary"' in page
    assert app.extensions["ivr.callbacks"].get(first.reference).assigned_to == "second@example.org"
    assert [e for e in events(app) if e[1] == "queue.assign"] == [
        ("second@example.org", "queue.assign", f"request {first.reference} assigned to second@example.org")
    ]


def test_assign_needs_the_form_token_and_the_queue_role(app, caseworker, bookings):
    response = caseworker.post(f"/admin/queue/{bookings[0].reference}/assign", data={})
    assert response.status_code == 400
    assert app.extensions["ivr.callbacks"].get(bookings[0].reference).assigned_to is None


def test_an_editor_cannot_assign(app, editor, bookings):
    response = editor.post(
        f"/admin/queue/{bookings[0].reference}/assign", data={"csrf_token": token(editor, "/admin/")}
    )
    assert response.status_code == 403
    assert app.extensions["ivr.callbacks"].get(bookings[0].reference).assigned_to is None


def test_a_closed_request_cannot_be_assigned(app, caseworker, bookings):
    app.extensions["ivr.callbacks"].set_status(bookings[0].reference, "done", START)
    page = text(caseworker.get(f"/admin/queue/{bookings[0].reference}"))
    assert "Assign to me" not in page
    response = assign(caseworker, bookings[0].reference, token(caseworker, "/admin/queue"))
    assert f"Request {bookings[0].reference} is closed, so it cannot be assigned." in text(
        caseworker.get(response.headers["Location"])
    )


def test_relay_uk_requests_say_so_and_ring_through_it(app, caseworker):
    booked = book(app, 0, relay=True)
    assert "Call through Relay UK" in text(caseworker.get("/admin/queue"))
    page = text(show_number(caseworker, booked.reference))
    assert "<strong>Call through Relay UK</strong>: dial 18002 before the number" in page
    assert '<a class="govuk-link" href="tel:1800207911123456">18002 07911 123456</a>' in page


def test_the_attempts_column_counts_them(app, caseworker, bookings):
    store = app.extensions["ivr.callbacks"]
    store.record_attempt(bookings[1].reference, "caseworker@example.org", "no_answer", START)
    store.record_attempt(bookings[1].reference, "caseworker@example.org", "no_answer", START)
    page = text(caseworker.get("/admin/queue"))
    cells = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', page)
    assert cells == ["0", "2", "0"]
    assert '<dd class="govuk-summary-list__value" id="attempts">2</dd>' in text(
        caseworker.get(f"/admin/queue/{bookings[1].reference}")
    )


def test_the_home_page_says_how_many_are_new_and_overdue(app, caseworker):
    for index in range(3):
        book(app, index)
    book(app, 5, due=dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC))
    app.extensions["ivr.callbacks"].set_status(book(app, 6).reference, "assigned", START)
    page = text(caseworker.get("/admin/"))
    assert '<strong id="queue-counts">4 new, 1 assigned, 0 attempted, 1 overdue</strong>' in page


def test_the_home_page_has_no_counts_for_an_editor(app, editor):
    book(app, 0)
    assert "queue-counts" not in text(editor.get("/admin/"))


@pytest.mark.postgres
class TestOnPostgres:
    """The queue's order, filters and a lost race for a request, on PostgreSQL too (timestamps with zones)."""

    @pytest.fixture
    def app_config(self, app_config, tmp_path):
        from ..callbacks.conftest import fresh_database

        url, drop = fresh_database("postgres", tmp_path)
        yield {**app_config, "IVR_DATABASE_URL": url}
        drop()

    def test_soonest_due_first_and_overdue(self, app, caseworker, clock):
        test_soonest_due_first_with_the_due_date_and_overdue_in_words(app, caseworker, clock)

    def test_filters(self, app, caseworker):
        test_filters_mine_nobodys_overdue_closed_and_by_purpose(app, caseworker)

    def test_a_lost_race(self, app, caseworker, make_staff, bookings):
        test_two_caseworkers_assign_at_once_and_the_loser_is_told_who_has_it(app, caseworker, make_staff, bookings)


def test_assign_to_me_from_the_list(app, caseworker, bookings):
    store = app.extensions["ivr.callbacks"]
    store.assign(bookings[1].reference, "other@example.org", START)
    page = text(caseworker.get("/admin/queue"))
    buttons = re.findall(r'action="/admin/queue/(\d+)/assign"', page)
    assert buttons == [bookings[0].reference, bookings[2].reference]  # not the one somebody has
    assert f'Assign to me<span class="govuk-visually-hidden">: request {bookings[0].reference}</span>' in page
    assign(caseworker, bookings[0].reference, token(caseworker, "/admin/queue"))
    assert store.get(bookings[0].reference).assigned_to == "caseworker@example.org"
