"""ASVS 2.3.1 (issue 22 item 9): an account an admin makes on the Accounts page starts with a
temporary password, as a reset gives: the person chooses their own before anything else opens.
(The first admin, made on the server with `ivr staff add`, chooses their own there.)"""

from __future__ import annotations

from sqlalchemy import select

from ivr.staff.models import Staff

from ..helpers import staff as staff_helpers
from ..helpers.pages import token

TEMPORARY = "granite heron umbrella 7"
OWN = "quiet orchard lantern mosaic"


def must_change(app, email) -> bool:
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff.must_change_password).where(Staff.email == email))


def test_an_account_made_on_the_accounts_page_must_choose_its_own_password(app, admin_client):
    data = {"email": "new@example.org", "role": "editor", "password": TEMPORARY}
    response = admin_client.post("/admin/accounts", data={**data, "csrf_token": token(admin_client, "/admin/accounts")})
    assert response.status_code == 302
    assert must_change(app, "new@example.org")
    new = app.test_client()
    staff_helpers.sign_in(new, "new@example.org", TEMPORARY)  # the password, then two-step set-up
    response = new.get("/admin/prompts")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/account"
    new.post(
        "/admin/account",
        data={"csrf_token": token(new, "/admin/account"), "current_password": TEMPORARY, "new_password": OWN},
    )
    assert not must_change(app, "new@example.org")
    assert new.get("/admin/prompts").status_code == 200


def test_the_accounts_page_says_the_password_is_temporary(admin_client):
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert "they choose their own when they first sign in" in page
