"""ASVS 2.2.1 (issue 22 item 8): wrong current passwords on "Your account" count with sign-in
failures and lock the account as they do; a locked account's answer is the same as an unknown
address's after as many tries, so the sign-in page tells neither apart."""

from __future__ import annotations

import re

from sqlalchemy import select

from ivr.staff import accounts
from ivr.staff.models import Staff

from ..helpers.pages import PASSWORD, sign_in, token

NEW = "quiet orchard lantern mosaic"


def change_password(client, current: str, new: str = NEW):
    return client.post(
        "/admin/account",
        data={"csrf_token": token(client, "/admin/account"), "current_password": current, "new_password": new},
    )


def password_hash(app, email: str) -> str:
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff.password_hash).where(Staff.email == email))


def test_wrong_current_passwords_lock_the_change_like_sign_in(app, caseworker):
    before = password_hash(app, "caseworker@example.org")
    for _ in range(accounts.LOCKOUT_FAILURES):
        assert change_password(caseworker, "not my password at all").status_code == 400
    response = change_password(caseworker, PASSWORD)  # the right one, once locked: refused unchecked
    assert response.status_code == 400
    assert "This account is locked after 5 wrong passwords" in response.get_data(as_text=True)
    assert password_hash(app, "caseworker@example.org") == before
    # They count with sign-in failures: signing in elsewhere is locked too.
    elsewhere = app.test_client()
    assert "This account is locked" in sign_in(elsewhere, "caseworker@example.org").get_data(as_text=True)


def test_a_wrong_current_password_and_a_wrong_sign_in_add_up(app, caseworker):
    for _ in range(accounts.LOCKOUT_FAILURES - 1):
        sign_in(app.test_client(), "caseworker@example.org", "wrong password!")
    change_password(caseworker, "not my password at all")
    with app.extensions["ivr.db"].session() as session:
        assert accounts.is_locked(session, "caseworker@example.org")
    assert change_password(caseworker, PASSWORD).status_code == 400


def answers(client, email: str, tries: int) -> list[str]:
    """The error summary of each of `tries` sign-ins with a wrong password."""
    said = []
    for _ in range(tries):
        page = sign_in(client, email, "wrong password!").get_data(as_text=True)
        summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
        assert summary, page
        said.append(re.sub(r"\s+", " ", summary.group(1)).strip())
    return said


def test_a_locked_account_answers_as_an_unknown_address_does(app, make_staff):
    make_staff("ed@example.org", "editor")
    tries = accounts.LOCKOUT_FAILURES + 2
    known = answers(app.test_client(), "ed@example.org", tries)
    unknown = answers(app.test_client(), "nobody@example.org", tries)
    assert known == unknown
    assert "This account is locked after 5 wrong passwords" in known[-1]
    assert "The email address or password is not right" in known[0]
