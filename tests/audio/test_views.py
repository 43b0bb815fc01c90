"""The audio route: content type, caching headers, ETag and 304, 404, path tricks refused."""

from __future__ import annotations

import pytest

from ivr.audio.store import AudioStore

from .conftest import tone

NAME = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config["IVR_AUDIO_DIR"] = str(tmp_path / "audio")
    return app_config


@pytest.fixture
def stored(app):
    wav = tone(0.5, rate=8000)
    AudioStore(app.config["IVR_AUDIO_DIR"]).write(NAME, wav)
    return wav


def test_a_clip_is_served_as_wav_with_year_long_immutable_caching(client, stored):
    with client.get(f"/audio/{NAME}.wav") as response:  # no Twilio signature: <Play> fetches are plain GETs
        assert response.status_code == 200
        assert response.mimetype == "audio/wav"
        assert response.data == stored
        assert response.headers["ETag"] == f'"{NAME}"'
        cache = response.cache_control
        assert (cache.public, cache.max_age, cache.immutable) == (True, 31536000, True)


def test_a_matching_etag_gets_304_without_a_body(client, stored):
    with client.get(f"/audio/{NAME}.wav", headers={"If-None-Match": f'"{NAME}"'}) as response:
        assert response.status_code == 304 and response.data == b""


def test_a_recording_is_served_from_its_folder(client, app):
    name = AudioStore(app.config["IVR_AUDIO_DIR"]).save_recording(tone(0.5, rate=8000))
    with client.get(f"/audio/{name}") as response:
        assert response.status_code == 200 and response.mimetype == "audio/wav"


@pytest.mark.parametrize(
    "path",
    [
        "/audio/ffffffffffffffffffffffffffffffff.wav",  # well formed, not there
        f"/audio/{NAME.upper()}.wav",
        f"/audio/{NAME}.mp3",
        f"/audio/{NAME[:-1]}.wav",
        "/audio/..%2F..%2Fetc%2Fpasswd",
        "/audio/..%2F..%2Fetc%2Fpasswd.wav",
        "/audio/../x.wav",
        "/audio/%2e%2e/manifest.json",
        "/audio/manifest.json",
        f"/audio/recordings/{NAME}.wav",
        f"/audio/{NAME}.wav%00",
    ],
)
def test_unknown_names_and_path_tricks_are_404(client, stored, path):
    with client.get(path) as response:
        assert response.status_code == 404, (path, response.status_code)
