"""ASVS 3.7.1 (issue 22 item 12): changing a role, switching an account off, giving a temporary
password and resetting two-step ask the admin for their password again when they signed in (or
last confirmed) more than 15 minutes ago; nothing changes until they do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.staff.models import Staff

from ..helpers.pages import PASSWORD, token


def person(app, email) -> Staff:
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff).where(Staff.email == email))


def signed_in_minutes_ago(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session["signed_in_at"] -= minutes * 60


ACTIONS = {
    "role": lambda id_: (f"/admin/accounts/{id_}", {"action": "role", "role": "caseworker"}),
    "temporary password": lambda id_: (
        f"/admin/accounts/{id_}",
        {"action": "password", "temporary_password": "granite heron umbrella 7"},
    ),
    "switch off": lambda id_: (f"/admin/accounts/{id_}/active", {"active": "0"}),
    "two-step reset": lambda id_: (f"/admin/accounts/{id_}/two-step", {}),
}


def done(app, action) -> bool:
    ed = person(app, "ed@example.org")
    return {
        "role": ed.role == "caseworker",
        "temporary password": ed.must_change_password,
        "switch off": not ed.active,
        "two-step reset": ed.totp_secret is None,
    }[action]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_admin_signed_in_long_ago_confirms_their_password_first(app, admin_client, make_staff, action):
    make_staff("ed@example.org", "editor")
    ed_id = person(app, "ed@example.org").id
    signed_in_minutes_ago(admin_client, 16)
    url, form = ACTIONS[action](ed_id)
    page = f"/admin/accounts/{ed_id}"
    response = admin_client.post(url, data={**form, "csrf_token": token(admin_client, page)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/confirm")
    assert not done(app, action)
    confirm = admin_client.get(response.headers["Location"])
    assert confirm.status_code == 200
    assert '<label class="govuk-label" for="password">Your password</label>' in confirm.get_data(as_text=True)
    wrong = admin_client.post(
        response.headers["Location"],
        data={"password": "not my password at all", "csrf_token": token(admin_client, response.headers["Location"])},
    )
    assert wrong.status_code == 400 and "Your password is not right" in wrong.get_data(as_text=True)
    right = admin_client.post(
        response.headers["Location"],
        data={"password": PASSWORD, "csrf_token": token(admin_client, response.headers["Location"])},
    )
    assert right.status_code == 302 and right.headers["Location"] == page
    response = admin_client.post(url, data={**form, "csrf_token": token(admin_client, page)})
    assert response.status_code == 302 and not response.headers["Location"].startswith("/admin/confirm")
    assert done(app, action)


def test_within_fifteen_minutes_nothing_is_asked(app, admin_client, make_staff):
    make_staff("ed@example.org", "editor")
    ed_id = person(app, "ed@example.org").id
    signed_in_minutes_ago(admin_client, 14)
    url, form = ACTIONS["role"](ed_id)
    response = admin_client.post(url, data={**form, "csrf_token": token(admin_client, url)})
    assert response.headers["Location"] == url
    assert done(app, "role")
