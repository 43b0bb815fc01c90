"""What staff publish is what every caller hears: two real `ivr serve` instances on one
PostgreSQL database, each with its own audio folder, in play mode. Words published through
the staff page of one are heard through the other on the next call as rendered clips only
(`<Play>`, never a `<Say>` voice in between), at the normal and the more-time speed, and
every clip answers 200 with audio from the server the call reached."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from ivr.simulator import Caller, Script, run_call

from ..helpers.staff import finish_two_step
from .conftest import PUBLIC_URL, TOKEN, ivr, pg_url
from .servers import ROOT, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PASSWORD = "a long enough passphrase"
NEW_WORDS = "For help and support now that the trial is over"


class RecordingCaller(Caller):
    """A caller that keeps every TwiML answer it was given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers: list[ET.Element] = []

    def post(self, url, extra=None):
        answer = super().post(url, extra)
        self.answers.append(answer)
        return answer


class StaffBrowser:
    """A person at the staff pages of one server (the Secure cookie kept over plain HTTP, as behind TLS)."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def send(self, method, path, **kwargs):
        url = path if path.startswith("http") else self.base + path
        response = self.session.request(method, url, allow_redirects=False, timeout=120, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        if response.is_redirect:
            return self.send("GET", requests.compat.urljoin(url, response.headers["Location"]))
        return response

    def token(self, text: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)

    def sign_in(self, email: str, password: str):
        page = self.send("GET", "/admin/login")
        login = self.send(
            "POST", "/admin/login", data={"csrf_token": self.token(page.text), "email": email, "password": password}
        )
        # The two-step code (or its set-up), through the shared helper.
        login = finish_two_step(login.text, lambda path, data: self.send("POST", path, data=data)) or login
        assert login.status_code == 200 and "Sign out" in login.text, login.text[:500]


@pytest.fixture
def play_line(pg_database, line_env, tmp_path):
    # Written when editors signed in with the password alone (two-step is on for them by default since issue 22).
    env = {
        **line_env,
        "IVR_DATABASE_URL": pg_url(*pg_database),
        "IVR_SPEECH": "play",
        "IVR_STAFF_TWO_STEP_EDITORS": "0",
    }
    assert ivr(env, "db", "upgrade").returncode == 0
    first_audio, second_audio = tmp_path / "audio-1", tmp_path / "audio-2"
    # The shipped words rendered once (as `ivr serve` would at its first start), then copied:
    # two folders that agree on the shipped line and know nothing of each other afterwards.
    rendered = subprocess.run(
        [sys.executable, "-m", "ivr", "prompts", "render"],
        env={**os.environ, **env, "IVR_AUDIO_DIR": str(first_audio)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    shutil.copytree(first_audio, second_audio)
    servers = [
        LiveServer({**env, "IVR_AUDIO_DIR": str(folder)}, workers=2, public_url=PUBLIC_URL)
        for folder in (first_audio, second_audio)
    ]
    try:
        for server in servers:
            server.start(wait=120)
        yield env, servers, (first_audio, second_audio)
    finally:
        for server in servers:
            server.stop()


def plays_and_says(answers: list[ET.Element]) -> tuple[list[str], list[str]]:
    plays = [el.text.strip() for answer in answers for el in answer.iter("Play")]
    says = [" ".join("".join(el.itertext()).split()) for answer in answers for el in answer.iter("Say")]
    return plays, says


def test_words_published_on_one_server_play_as_clips_on_the_other(play_line):
    env, (first, second), (first_audio, second_audio) = play_line
    added = ivr(env, "staff", "add", "editor@example.org", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    staff = StaffBrowser(first.url)
    staff.sign_in("editor@example.org", PASSWORD)
    edit = staff.send("GET", "/admin/prompts/en-GB/main.help")
    saved = staff.send(
        "POST",
        "/admin/prompts/en-GB/main.help/save",
        data={"csrf_token": staff.token(edit.text), "text": NEW_WORDS, "revision": "0"},
    )
    assert saved.status_code == 200, saved.text[:500]
    revision = re.search(r'name="revision" value="(\d+)"', saved.text.split('id="draft"', 1)[-1]).group(1)
    started = time.perf_counter()
    published = staff.send(
        "POST",
        "/admin/prompts/en-GB/main.help/publish",
        data={"csrf_token": staff.token(saved.text), "revision": revision},
    )
    seconds = time.perf_counter() - started
    assert published.status_code == 200
    assert "Published: rendered 2 clips; live on all servers from their next call." in published.text
    print(f"publish through the page took {seconds:.2f} s")

    time.sleep(1.5)  # each instance checks the published serial at most once a second
    before = set(os.listdir(second_audio))
    caller = RecordingCaller(second.url, TOKEN)
    # English, the key guide plays out, the main menu; 9: more time, the main menu again slowly.
    lines = run_call(caller, PUBLIC_URL + "/voice", Script("1 s 9"), echo=lambda _line: None)
    plays, says = plays_and_says(caller.answers)
    assert says == [], f"a <Say> voice between the clips: {says}"
    assert any(NEW_WORDS in line for line in lines), lines  # the words each clip says (GET /audio/<name>.txt)
    new_clips = {name.removesuffix(".wav") for name in set(os.listdir(second_audio)) - before}
    assert len(new_clips) == 2, new_clips  # normal and more-time speed, fetched by the second server
    played = {url.rsplit("/", 1)[1].removesuffix(".wav") for url in plays}
    assert new_clips <= played  # both speeds were played to this caller
    for url in sorted(set(plays)):
        assert url.startswith(PUBLIC_URL + "/audio/")
        with requests.get(second.url + url[len(PUBLIC_URL) :], timeout=30) as clip:
            assert clip.status_code == 200 and clip.headers["Content-Type"] == "audio/wav"
            assert clip.content[:4] == b"RIFF" and len(clip.content) > 1000
    # The first server's folder never held the second's copy: each keeps its own cache.
    assert first_audio != second_audio and all((first_audio / f"{n}.wav").is_file() for n in new_clips)
