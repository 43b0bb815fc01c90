"""Signing staff in from tests, two-step code included.

Accounts made through these helpers (or conftest's `make_staff`) get a known TOTP secret,
so a test signs in the way a person does: the password, then the code from their "app".
Every test that signs in should use `sign_in` here (or conftest's fixtures, or
test_browser's `sign_in(page, role)`, which build on it), so a change to the sign-in
steps reaches every test from one place.

- `enrol(session, staff)`: give an account the known secret, two-step already set up.
- `code_for(app, email)`: a code the server will accept now (a fresh time step for that
  account: the server refuses a code's step twice, and tests sign in faster than 30 s).
- `sign_in(client, email, password, app=None)`: a Flask test client signs in; returns the last answer.
- `finish_two_step(text, post)`: for a client of a running server (requests):
  given the page after the password, completes the set-up (reading the secret shown as
  text, as a person who cannot scan would) or the code step.
- `browser_sign_in(page, email, password)`: the same in a Playwright page, by the labels a
  person reads ("Email address", "Password", "Code").
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp
from sqlalchemy import select

from ivr.staff.models import Staff, utcnow

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET_TEXT = re.compile(r'<code class="staff-secret" id="secret">([A-Z2-7 ]+)</code>')


def enrol(session, staff: Staff, secret: str = SECRET) -> None:
    """Two-step sign-in set up with `secret` (as if the person had scanned it)."""
    staff.totp_secret = secret
    staff.totp_confirmed_at = utcnow()
    staff.totp_last_step = None


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def code_for(app, email: str) -> str:
    """A code for `email`'s account that the server has not yet seen (see the module doc)."""
    with app.extensions["ivr.db"].session() as session:
        staff = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
        now = int(time.time() // 30)
        last = staff.totp_last_step
        if last is not None and last >= now + 1:
            # Tests sign the same account in more than twice in 30 s; a person cannot.
            staff.totp_last_step = last = None
        step = now if last is None or last < now else last + 1
        return code_at(staff.totp_secret, step)


def _token(text: str) -> str:
    match = _TOKEN.search(text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, email: str, password: str, app=None):
    """Sign a Flask test client in (password, then the code if asked); the last response."""
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": _token(page.get_data(as_text=True))}
    )
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.endswith("/admin/login/code"):
        step = client.get("/admin/login/code")
        code = code_for(app or client.application, email)
        return client.post("/admin/login/code", data={"code": code, "csrf_token": _token(step.get_data(as_text=True))})
    if location.endswith("/admin/login/setup"):
        step = client.get("/admin/login/setup")
        return finish_two_step(step.get_data(as_text=True), lambda path, data: client.post(path, data=data))
    return response


def secret_shown(text: str) -> str:
    """The secret the set-up page shows as text, without its spaces."""
    match = _SECRET_TEXT.search(text)
    assert match, "the set-up page shows no secret as text"
    return match.group(1).replace(" ", "")


def finish_two_step(text: str, post, secret: str = SECRET):
    """Complete the page after the password: `post(path, data)` sends a form, `text` is the page.

    On the set-up page the secret is read from the page; on the code page `secret` is used.
    Returns what `post` returned, or None when the page asked for neither.
    """
    now = int(time.time() // 30)
    if 'id="secret"' in text:
        code = code_at(secret_shown(text), now)
        return post("/admin/login/setup", {"code": code, "csrf_token": _token(text)})
    if 'name="code"' in text:
        return post("/admin/login/code", {"code": code_at(secret, now), "csrf_token": _token(text)})
    return None


# What browser sign-ins learned per (server origin, email): the secret (SECRET, or the one a set-up
# page showed) and the last time step used, since the server accepts each step once.
_LEARNED: dict[tuple[str, str], str] = {}
_LAST_STEP: dict[tuple[str, str], int] = {}


def _next_code(key: tuple[str, str]) -> str:
    step = int(time.time() // 30)
    last = _LAST_STEP.get(key)
    if last is not None and last >= step:
        step = last + 1
        if step > int(time.time() // 30) + 1:  # beyond the server's drift allowance: wait for the clock
            time.sleep(max(0.0, (step - 1) * 30 - time.time()) + 0.05)
    _LAST_STEP[key] = step
    return code_at(_LEARNED.get(key, SECRET), step)


def browser_sign_in(page, email: str, password: str) -> None:
    """Sign a Playwright page in: the password, then the code or the two-step set-up if asked."""
    for _ in range(3):
        page.goto("/admin/login")
        if urlsplit(page.url).path.endswith("/admin/login"):
            break
        # Signed in still: the last page's form answer (which re-signs the session cookie) can arrive
        # after a test cleared the cookies. This person signs in afresh.
        page.context.clear_cookies()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    parts = urlsplit(page.url)
    key = (f"{parts.scheme}://{parts.netloc}", email.lower())
    if parts.path.endswith("/admin/login/setup"):
        _LEARNED[key] = page.locator("#secret").text_content().replace(" ", "")
        _LAST_STEP.pop(key, None)
        page.get_by_label("Code").fill(_next_code(key))
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        page.get_by_role("link", name="Continue to the staff area").click()
    elif parts.path.endswith("/admin/login/code"):
        page.get_by_label("Code").fill(_next_code(key))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
