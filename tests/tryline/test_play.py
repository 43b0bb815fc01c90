"""Try the line in play mode: clips in order with their words, and a draft played through
the signed-in draft route (drafts are never served under the public /audio/ route)."""

from __future__ import annotations

import pytest

from ivr.prompts import sound, store

from ..helpers.pages import token

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config.update(IVR_SPEECH="play", IVR_AUDIO_DIR=str(tmp_path / "audio"))
    yield app_config
    sound.shutdown()  # the speech process the draft route started


def test_a_draft_is_played_through_the_signed_in_draft_route(app, editor, client):
    if not sound.can_render(app):
        pytest.fail(sound.unavailable_reason(app))
    words = "Hello from my draft. If you are in danger now, hang up and call 999."
    with app.extensions["ivr.db"].session() as s:
        store.save_draft(s, "en-GB", "welcome.greeting", words, 0, "editor@example.org")
    answer = editor.post(
        "/admin/try/run",
        json={"switches": {"words": "drafts"}, "inputs": []},
        headers={"X-CSRFToken": token(editor, "/admin/try")},
    ).get_json()
    greeting = answer["events"][0]
    assert greeting["text"] == words
    (clip,) = greeting["clips"]
    assert clip.startswith("/admin/prompts/en-GB/welcome.greeting/draft.wav?v=")
    with editor.get(clip) as heard:
        assert heard.status_code == 200 and heard.mimetype == "audio/wav" and len(heard.data) > 8000
    editor.post("/admin/logout", data={"csrf_token": token(editor, "/admin/")})
    assert editor.get(clip).status_code == 302  # signed out: sent to sign in, no audio
