"""Checks in the editor's language (issue 26, item 5): at the field, as they type, the key guide's checks
say what the words no longer tell callers; before a publish, the warnings `ivr check` would give after it
(a stretch over 30 seconds, in either language) show on the page."""

from __future__ import annotations

import html

from ..helpers.pages import token

KEYS = "/admin/prompts/en-GB/keys.intro"


def check(client, text, prompt_id, language="en-GB"):
    response = client.post(
        "/admin/prompts/check",
        json={"text": text, "language": language, "prompt_id": prompt_id},
        headers={"X-CSRFToken": token(client, KEYS)},
    )
    assert response.status_code == 200
    return response.get_json()


def test_the_key_guide_field_says_what_callers_are_no_longer_told(editor):
    report = check(editor, "At any menu, press 0 to talk to a person, star to hear the choices again.", "keys.intro")
    assert report["ok"] is False
    assert "This no longer says how to go back (press hash)." in report["errors"]
    assert "This no longer says how to get more time, or slower speech (press 9)." in report["errors"]
    assert not any("prompts/en-GB.yaml" in e or "standard keys' introduction" in e for e in report["errors"])
    whole = "At any menu, press 0 for a person, star to repeat, and hash to go back. For more time, press 9."
    assert check(editor, whole, "keys.intro")["ok"] is True
    assert check(editor, "Pwyswch 0 i siarad â pherson.", "keys.intro", "cy-GB")["ok"] is False
    assert check(editor, "Press 0 for a person.", "goodbye")["ok"] is True  # other words need no keys


def test_a_long_stretch_warning_shows_on_the_page_before_the_publish(app, editor):
    path = "/admin/prompts/en-GB/help.result"
    long = " ".join(["A witness care officer should tell you the result of the trial soon."] * 4)
    saved = editor.post(f"{path}/save", data={"csrf_token": token(editor, path), "text": long, "revision": 0})
    assert saved.status_code == 302
    page = html.unescape(editor.get(path).get_data(as_text=True))
    assert 'id="publish-warnings"' in page
    assert "Callers would hear about" in page and "seconds of talk before a choice" in page
    shipped = html.unescape(editor.get("/admin/prompts/en-GB/goodbye").get_data(as_text=True))
    assert 'id="publish-warnings"' not in shipped  # no draft, nothing to warn of
