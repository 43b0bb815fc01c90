"""Recordings: upload a WAV or MP3, limits, hear it, publish it to the live line, remove it."""

from __future__ import annotations

import html
import io

import numpy as np
import pytest
import soundfile as sf

from ..helpers.pages import token

EDIT = "/admin/prompts/en-GB/welcome.greeting"


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "IVR_SPEECH": "play", "IVR_AUDIO_DIR": str(tmp_path / "audio")}


def wav(seconds=1.0, rate=16000, level=0.3, subtype="PCM_16") -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    buffer = io.BytesIO()
    sf.write(buffer, (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, format="WAV", subtype=subtype)
    return buffer.getvalue()


def upload(client, data: bytes, name="greeting.wav"):
    from flask.testing import EnvironBuilder

    form = {"csrf_token": token(client, EDIT), "recording": (io.BytesIO(data), name)}
    environ = EnvironBuilder(client.application, f"{EDIT}/recording", method="POST", data=form).get_environ()
    try:
        return client.open(environ)
    finally:  # the test client spools a large body to a file it never closes itself
        environ["wsgi.input"].close()


def recording_ids(page: str) -> list[str]:
    import re

    return re.findall(r"/recording/(\d+)/publish", page)


def test_upload_hear_publish_and_remove_a_recording(app, editor):
    assert upload(editor, wav()).status_code == 302
    page = editor.get(EDIT).get_data(as_text=True)
    assert "greeting.wav" in page and "not published" in page
    [rec_id] = recording_ids(page)
    with editor.get(f"{EDIT}/recording/{rec_id}.wav") as heard:
        assert heard.status_code == 200 and heard.mimetype == "audio/wav"
        heard_data = heard.data
    info = sf.info(io.BytesIO(heard_data))
    assert info.samplerate == 8000 and info.channels == 1  # converted to telephony audio

    editor.post(f"{EDIT}/recording/{rec_id}/publish", data={"csrf_token": token(editor, EDIT)})
    url = app.extensions["ivr.line"]().twiml.audio("welcome.greeting", "en-GB", False)
    assert url and url.startswith("https://line.example.org/audio/")
    with editor.get(url.removeprefix("https://line.example.org")) as served:
        assert served.status_code == 200 and served.data == heard_data  # written to this instance's store

    editor.post(f"{EDIT}/recording/{rec_id}/remove", data={"csrf_token": token(editor, EDIT)})
    assert app.extensions["ivr.line"]().twiml.audio("welcome.greeting", "en-GB", False) != url
    assert "greeting.wav" not in editor.get(EDIT).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"this is not audio at all", "notes.wav", "is not an audio file that can be read"),
        (b"RIFF", "notes.txt", "The recording must be a WAV or MP3 file"),
        (None, "long.wav", "over the 60 s limit"),
    ],
)
def test_a_recording_that_cannot_be_used_gets_a_clear_message(app, editor, data, name, message):
    if data is None:  # 20 minutes, kept small: 4 kHz, 8-bit
        data = wav(seconds=20 * 60, rate=4000, subtype="PCM_U8")
    response = upload(editor, data, name)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert '<a href="#recording">' in page and message in page
    assert app.extensions["ivr.line"]().twiml.audio("welcome.greeting", "en-GB", False) is None


def test_a_recording_over_10_mb_is_refused(editor):
    response = upload(editor, b"\0" * (11 * 1024 * 1024), "huge.wav")
    assert response.status_code == 413
    assert "Recordings must be smaller than 10 MB" in response.get_data(as_text=True)


def test_hearing_a_draft_renders_it_with_the_line_voice(app, editor):
    from ivr.prompts import sound

    if not sound.can_render(app):
        pytest.fail(sound.unavailable_reason(app))
    text = "A short draft to hear. Call 999 in danger."
    editor.post(f"{EDIT}/save", data={"csrf_token": token(editor, EDIT), "text": text, "revision": 0})
    try:
        with editor.get(f"{EDIT}/draft.wav") as response:
            assert response.status_code == 200 and response.mimetype == "audio/wav"
            info = sf.info(io.BytesIO(response.data))
    finally:
        sound.shutdown()
    assert info.samplerate == 8000 and 1.0 < info.duration < 10
