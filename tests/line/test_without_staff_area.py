"""The line never needs the staff area: a server with IVR_STAFF_AREA=off answers calls with the words
staff published (from another server's staff area, through the shared database), and loads no staff code."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from ..conftest import PUBLIC_URL, ROOT, TOKEN

PUBLISHED = "Welcome to the after-trial line, as published from the staff area today."


def test_a_line_without_the_staff_area_plays_what_was_published(tmp_path):
    url = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    script = textwrap.dedent(
        f"""
        import json, sys
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session
        from twilio.request_validator import RequestValidator

        from ivr import create_app
        from ivr.db import upgrade
        from ivr.prompts import store

        upgrade({url!r})
        engine = create_engine({url!r})
        with Session(engine) as session, session.begin():
            store.add_version(session, "en-GB", "welcome.greeting", {PUBLISHED!r}, "editor@example.org", "publish")
            store.bump_serial(session)
        engine.dispose()
        app = create_app({{
            "TESTING": True, "TWILIO_AUTH_TOKEN": {TOKEN!r}, "IVR_PUBLIC_URL": {PUBLIC_URL!r},
            "IVR_FLOW": {str(ROOT / "flows.yaml")!r}, "IVR_PROMPTS": {str(ROOT / "prompts")!r},
            "IVR_SPEECH": "say", "IVR_DATABASE_URL": {url!r}, "IVR_STAFF_AREA": False,
        }})
        params = {{"CallSid": "CA" + "b" * 32, "From": "+447700900123", "To": "+441632960000"}}
        signature = RequestValidator({TOKEN!r}).compute_signature({PUBLIC_URL!r} + "/voice", params)
        answer = app.test_client().post("/voice", data=params, headers={{"X-Twilio-Signature": signature}})
        staff_page = app.test_client().get("/admin/login")
        recorder = app.extensions.get("ivr.journey")
        if recorder is not None:
            recorder.flush()
        print(json.dumps({{
            "status": answer.status_code,
            "said": answer.get_data(as_text=True),
            "staff_page": staff_page.status_code,
            "staff_modules": sorted(m for m in sys.modules if m.startswith(("ivr.staff", "ivr.tryline"))
                                    or m in ("ivr.prompts.views", "ivr.callbacks.queue_views", "ivr.reports.views")),
        }}))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert PUBLISHED in seen["said"]
    assert seen["staff_page"] == 404  # no staff area on this server
    assert seen["staff_modules"] == []
