"""Issue 22 item 16: editors publish what every caller hears, so two-step sign-in is on for them
by default; IVR_STAFF_TWO_STEP_EDITORS=0 (or off, false, no) still turns it off."""

from __future__ import annotations

import pytest

from ivr import create_app

from ..helpers.pages import PASSWORD, token


def first_step(app, email="ed@example.org"):
    client = app.test_client()
    return client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token(client)})


def editor_app(app_config, monkeypatch, setting):
    monkeypatch.delenv("IVR_STAFF_TWO_STEP_EDITORS", raising=False)
    if setting is not None:
        monkeypatch.setenv("IVR_STAFF_TWO_STEP_EDITORS", setting)
    app_config.pop("IVR_STAFF_TWO_STEP_EDITORS", None)
    return create_app(app_config)


@pytest.mark.parametrize(
    ("setting", "asked"),
    [
        (None, True),
        ("", True),
        ("1", True),
        ("on", True),
        ("0", False),
        ("off", False),
        ("false", False),
        ("no", False),
    ],
)
def test_editors_are_asked_for_a_code_unless_the_setting_turns_it_off(app_config, monkeypatch, setting, asked):
    from ivr.db import upgrade

    upgrade(app_config["IVR_DATABASE_URL"])
    app = editor_app(app_config, monkeypatch, setting)
    try:
        assert app.config["IVR_STAFF_TWO_STEP_EDITORS"] is asked
        from ivr.staff.accounts import add_staff

        with app.extensions["ivr.db"].session() as session:
            add_staff(session, "ed@example.org", "editor", PASSWORD)
        location = first_step(app).headers["Location"]
        assert location == ("/admin/login/setup" if asked else "/admin/")
    finally:
        app.extensions["ivr.db"].dispose()
