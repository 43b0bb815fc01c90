"""Publishing: the plug-in checks (and an admin's confirmation), the key guide keeping its keys,
clips rendered at both speeds before callers are switched, and the page saying what was done."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.flow.wording import key_guide_problems
from ivr.prompts import publish, sound

from ..conftest import Caller
from ..helpers.pages import sign_in, token

EDIT = "/admin/prompts/en-GB/welcome.greeting"
NEW_WORDS = "Hello, this is the new greeting. If you are in danger now, hang up and call 999."
KEYS_EDIT = "/admin/prompts/en-GB/keys.intro"


def save(client, text, path=EDIT, revision=0):
    response = client.post(f"{path}/save", data={"csrf_token": token(client, path), "text": text, "revision": revision})
    assert response.status_code == 302, response.get_data(as_text=True)


def publish_form(client, revision=1, path=EDIT, **extra):
    return client.post(f"{path}/publish", data={"csrf_token": token(client, path), "revision": revision, **extra})


def audit_actions(app) -> list[str]:
    with app.extensions["ivr.db"].session() as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_plug_in_check_gets_the_candidate_and_its_problem_refuses_the_publish(app, editor, client):
    seen = []

    def check(candidate):
        seen.append(candidate)
        return ["the saved call 'Protection' would end somewhere else"]

    app.extensions["ivr.publish.checks"].append(check)
    before = Caller(client).ring().text
    save(editor, NEW_WORDS)
    response = publish_form(editor)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "the saved call 'Protection' would end somewhere else" in page
    assert "Callers still hear the words below" in page
    assert 'name="confirm"' not in page  # not overridable
    assert Caller(client).ring().text == before
    (candidate,) = seen
    assert (candidate.language, candidate.prompt_id, candidate.text) == ("en-GB", "welcome.greeting", NEW_WORDS)
    assert candidate.flow.prompts.text("welcome.greeting", "en-GB") == NEW_WORDS
    assert candidate.overrides["en-GB"]["welcome.greeting"] == NEW_WORDS
    assert "prompt.publish.refused" in audit_actions(app)


class Overridable:
    overridable = True

    def __str__(self):
        return "Saved test call 'Protection': now ends at help"


@pytest.fixture
def overridable_check(app):
    app.extensions["ivr.publish.checks"].append(lambda candidate: [Overridable()])


def test_an_editor_cannot_override_a_problem_an_admin_may_confirm(app, editor, client, overridable_check):
    save(editor, NEW_WORDS)
    response = publish_form(editor, confirm="yes")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "now ends at help" in html.unescape(page) and 'name="confirm"' not in page
    assert NEW_WORDS not in Caller(client).ring().text


def test_an_admin_confirms_an_overridable_problem_and_publishes(app, admin_client, client, overridable_check):
    save(admin_client, NEW_WORDS)
    refused = publish_form(admin_client)
    assert refused.status_code == 400 and 'name="confirm"' in refused.get_data(as_text=True)
    response = publish_form(admin_client, confirm="yes")
    assert response.status_code == 302
    assert NEW_WORDS in Caller(client).ring().text
    assert "prompt.publish.confirmed" in audit_actions(app)


def test_a_check_that_breaks_refuses_the_publish(app, editor, client):
    def broken(candidate):
        raise RuntimeError("database gone")

    app.extensions["ivr.publish.checks"].append(broken)
    save(editor, NEW_WORDS)
    response = publish_form(editor)
    assert response.status_code == 400
    assert "a publish check could not run (RuntimeError: database gone)" in response.get_data(as_text=True)
    assert NEW_WORDS not in Caller(client).ring().text


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("At any menu, press 0 for a person, star to repeat and hash to go back. Press 9 for more time.", []),
        ("At any menu, press 0 for a person and star to repeat. Press 9 for more time.", ["back (#)"]),
        ("Press star to repeat or hash to go back.", ["a person (0)", "more time (9)"]),
        ("Pwyswch 0 i siarad â pherson, seren i glywed eto, a hash i fynd yn ôl. Pwyswch 9 am fwy o amser.", []),
        ("Press 10 to go on, star to repeat, hash to go back, 99 for more.", ["a person (0)", "more time (9)"]),
    ],
)
def test_the_key_guide_check_names_what_is_missing(app, text, missing):
    keys = app.extensions["ivr.line.shipped"].flow.settings.keys
    problems = key_guide_problems(text, keys)
    if not missing:
        assert problems == []
    else:
        (problem,) = problems
        assert f"no longer names {', '.join(missing)};" in problem


def test_key_guide_words_that_drop_a_standard_key_are_refused(app, editor, client):
    save(editor, "At any menu, press 0 to talk to a person and star to hear the choices again.", path=KEYS_EDIT)
    response = publish_form(editor, path=KEYS_EDIT)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert (
        "prompt 'keys.intro' (en-GB): the standard keys' introduction no longer names back (#), more time (9)" in page
    )
    assert "prompts/en-GB.yaml:19" in page  # file:line, as `ivr check` says it


def test_the_page_says_what_the_publish_did(app, editor):
    save(editor, NEW_WORDS)
    response = publish_form(editor)
    assert response.status_code == 302
    page = editor.get(EDIT).get_data(as_text=True)
    assert "Published: no clips needed (said by Twilio)" in page  # say mode: Twilio speaks the words


def test_a_rollback_is_checked_like_a_publish(app, editor, client):
    save(editor, NEW_WORDS)
    publish_form(editor)
    app.extensions["ivr.publish.checks"].append(lambda candidate: ["no rollback today"])
    response = editor.post(f"{EDIT}/rollback", data={"csrf_token": token(editor, f"{EDIT}/history"), "version": 0})
    assert response.status_code == 302
    page = editor.get(f"{EDIT}/history").get_data(as_text=True)
    assert "That version was not restored: no rollback today" in page
    assert NEW_WORDS in Caller(client).ring().text


# --- play mode: clips first ----------------------------------------------------------------


@pytest.fixture
def play_config(app_config, tmp_path):
    return {**app_config, "IVR_SPEECH": "play", "IVR_AUDIO_DIR": str(tmp_path / "audio")}


@pytest.fixture
def play_app(play_config):
    from ..conftest import running_app

    yield from running_app(play_config)


@pytest.mark.slow
def test_publishing_renders_both_speeds_before_callers_hear_the_words(play_app):
    if not sound.can_render(play_app):
        pytest.fail(sound.unavailable_reason(play_app))
    staff = play_app.test_client()
    email = "editor@example.org"
    make_staff_in(play_app, email)
    sign_in(staff, email)
    save(staff, NEW_WORDS)
    try:
        response = publish_form(staff)
    finally:
        sound.shutdown()
    assert response.status_code == 302
    page = staff.get(EDIT).get_data(as_text=True)
    assert "Published: rendered 2 clips; live on all servers from their next call." in page
    lookup = play_app.extensions["ivr.line"]().twiml.audio
    normal, slow = lookup("welcome.greeting", "en-GB", False), lookup("welcome.greeting", "en-GB", True)
    assert normal and slow and normal != slow
    audio = play_app.extensions["ivr.audio"]
    for url in (normal, slow):
        assert audio.has(url.rsplit("/", 1)[1].removesuffix(".wav"))
    assert play_app.extensions["ivr.line"]().flow.prompts.text("welcome.greeting", "en-GB") == NEW_WORDS


def make_staff_in(app, email, role="editor"):
    from ivr.staff.accounts import add_staff

    from ..helpers import staff as staff_helpers
    from ..helpers.pages import PASSWORD

    with app.extensions["ivr.db"].session() as session:
        staff_helpers.enrol(session, add_staff(session, email, role, PASSWORD))


def test_a_clip_the_voice_cannot_make_refuses_the_publish_and_keeps_the_old_words(app, editor, client, monkeypatch):
    class Failing:
        def submit(self, fn, spec):
            raise sound.SpeechError(f"espeak-ng stopped on {spec.text[:10]!r}")

    monkeypatch.setattr(publish, "plays_audio", lambda: True)
    monkeypatch.setattr(sound, "executor", lambda: Failing())
    monkeypatch.setattr(sound, "has_clip", lambda name, app=None: False)
    before = Caller(client).ring().text
    save(editor, NEW_WORDS)
    response = publish_form(editor)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "welcome.greeting (en-GB, normal speed): the voice cannot say these words: espeak-ng stopped on" in page
    assert Caller(client).ring().text == before


# --- one truth for audio across servers; drafts private ------------------------------------


@pytest.fixture
def second_app(play_config, tmp_path):
    """Another server on the same database with its own (empty) audio folder."""
    from ivr import create_app

    app = create_app({**play_config, "IVR_AUDIO_DIR": str(tmp_path / "other-audio")})
    yield app
    app.extensions["ivr.db"].dispose()


def clip_names(app, prompt_id="welcome.greeting", language="en-GB") -> list[str]:
    lookup = app.extensions["ivr.line"]().twiml.audio
    urls = [lookup(prompt_id, language, slow) for slow in (False, True)]
    assert all(urls), urls
    return [url.rsplit("/", 1)[1].removesuffix(".wav") for url in urls]


@pytest.mark.slow
def test_a_clip_published_on_one_server_plays_on_another_with_its_own_folder(play_app, second_app):
    if not sound.can_render(play_app):
        pytest.fail(sound.unavailable_reason(play_app))
    staff = play_app.test_client()
    make_staff_in(play_app, "editor@example.org")
    sign_in(staff, "editor@example.org")
    save(staff, NEW_WORDS)
    try:
        assert publish_form(staff).status_code == 302
    finally:
        sound.shutdown()
    second_app.extensions["ivr.line"].refresh()
    assert second_app.extensions["ivr.line"]().flow.prompts.text("welcome.greeting", "en-GB") == NEW_WORDS
    names = clip_names(second_app)
    other = second_app.extensions["ivr.audio"]
    assert all(other.has(name) for name in names)  # fetched into its cache when it saw the new serial
    for name in names:
        other.path(name).unlink()  # a cache emptied under it: GET fetches from the database
        with second_app.test_client().get(f"/audio/{name}.wav") as response:
            assert response.status_code == 200 and response.mimetype == "audio/wav"
            assert response.data[:4] == b"RIFF" and len(response.data) > 8000


@pytest.mark.slow
def test_a_draft_is_heard_only_through_the_staff_area(play_app):
    if not sound.can_render(play_app):
        pytest.fail(sound.unavailable_reason(play_app))
    staff = play_app.test_client()
    make_staff_in(play_app, "editor@example.org")
    sign_in(staff, "editor@example.org")
    save(staff, NEW_WORDS)
    flow = play_app.extensions["ivr.line.shipped"].flow
    with play_app.app_context():
        name, _ = sound.draft_clip_name(flow, "welcome.greeting", NEW_WORDS, "en-GB")
    try:
        with staff.get(f"{EDIT}/draft.wav") as heard:
            assert heard.status_code == 200 and heard.data[:4] == b"RIFF"
        public = play_app.test_client()
        assert public.get(f"/audio/{name}.wav").status_code == 404
        assert staff.get(f"/audio/{name}.wav").status_code == 404  # not even signed in: /audio/ is public
        assert publish_form(staff).status_code == 302
    finally:
        sound.shutdown()
    with public.get(f"/audio/{name}.wav") as published:
        assert published.status_code == 200  # published: now anyone's to hear
    assert "Published: rendered 2 clips;" in staff.get(EDIT).get_data(as_text=True)
