"""Shared fixtures: the app, a test client, a CLI runner, and a Caller that rings
the line with signed Twilio requests and reads the TwiML answers."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from twilio.request_validator import RequestValidator

from ivr import create_app

# Hooks: under CI=true a skip fails the run; the Debian packages the chosen tests need are installed first.
from .ci_skips import pytest_configure  # noqa: F401
from .system_packages import pytest_collection_finish  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-auth-token"
PUBLIC_URL = "https://line.example.org"
# A Wednesday at 11:00 in London: the helpline is open.
OPEN = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
# Christmas Day 2026, mid-morning: a holiday, so the helpline is closed.
CLOSED = dt.datetime(2026, 12, 25, 11, 0, tzinfo=dt.UTC)
POSTGRES_URL = os.environ.get("IVR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Clock:
    """A settable clock for opening hours."""

    def __init__(self, now: dt.datetime = OPEN):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def line_config(folder: Path, clock, **extra) -> dict:
    """The config of an app under test: the shipped flow, spoken with <Say>, SQLite in `folder`."""
    return {
        "TESTING": True,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_PUBLIC_URL": PUBLIC_URL,
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_SPEECH": "say",
        "IVR_DATABASE_URL": f"sqlite:///{folder / 'ivr.sqlite3'}",
        "IVR_CLOCK": clock,
        **extra,
    }


@pytest.fixture
def app_config(tmp_path, clock):
    """Config overrides for the app under test; tests may change them before `app` is made."""
    return line_config(tmp_path, clock)


def running_app(config: dict):
    """Migrate the config's database, make the app, and close its connections after: a fixture body."""
    from ivr.db import upgrade

    upgrade(config["IVR_DATABASE_URL"])
    app = create_app(config)
    yield app
    recorder = app.extensions.get("ivr.journey")
    if recorder is not None:  # its writer thread would else open a connection after the dispose below, and leak it
        recorder.flush()
    app.extensions["ivr.db"].dispose()


@pytest.fixture
def app(app_config):
    yield from running_app(app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


def sign(url: str, params: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class Answer:
    """A parsed TwiML answer."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.root = ET.fromstring(response.data) if response.status_code == 200 else None

    @property
    def verbs(self) -> list[ET.Element]:
        return list(self.root)

    def find(self, tag: str) -> ET.Element | None:
        return self.root.find(f".//{tag}")

    def findall(self, tag: str) -> list[ET.Element]:
        return self.root.findall(f".//{tag}")

    @property
    def gather(self) -> ET.Element | None:
        return self.root.find("Gather")

    @property
    def text(self) -> str:
        """Everything said, in order, as one string."""
        return " ".join(" ".join("".join(s.itertext()).split()) for s in self.root.iter("Say"))

    @property
    def says(self) -> list[ET.Element]:
        return list(self.root.iter("Say"))


class Caller:
    """Rings the line through the Flask test client, signing as Twilio does.

    `press`, `say` and `silence` answer the current Gather; `follow` takes a
    Redirect; the answer is kept in `self.answer`.
    """

    def __init__(self, client, from_number="+447700900123", to_number="+441632960000", call_sid="CA" + "a" * 32):
        self.client = client
        self.params = {"CallSid": call_sid, "From": from_number, "To": to_number, "AccountSid": "AC" + "0" * 32}
        self.answer: Answer | None = None

    def post(self, url: str, **extra) -> Answer:
        params = {**self.params, **extra}
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        full = PUBLIC_URL + path if url.startswith("/") else url
        response = self.client.post(path, data=params, headers={"X-Twilio-Signature": sign(full, params)})
        self.answer = Answer(response)
        return self.answer

    def ring(self) -> Answer:
        return self.post("/voice")

    def _action(self) -> str:
        gather = self.answer.gather
        assert gather is not None, f"no <Gather> to answer in {self.answer.response.data!r}"
        return gather.get("action")

    def press(self, keys: str) -> Answer:
        """Press `keys` at the current Gather and send what Twilio sends: a menu (numDigits) takes its
        first key; a number ends at finishOnKey, which Twilio leaves out; pressing the finishing key
        before any other ends the Gather with no input (then Twilio acts as on silence)."""
        action = self._action()
        gather = self.answer.gather
        finish = gather.get("finishOnKey", "#")  # Twilio's default when the attribute is absent
        if finish and finish in keys:
            keys = keys[: keys.index(finish)]
        elif gather.get("numDigits"):
            keys = keys[: int(gather.get("numDigits"))]
        if not keys:
            return self.silence()
        return self.post(action, Digits=keys)

    def say(self, words: str) -> Answer:
        return self.post(self._action(), SpeechResult=words, Confidence="0.9")

    def silence(self) -> Answer:
        """No key: Twilio posts to the action (actionOnEmptyResult) or follows the Redirect."""
        gather = self.answer.gather
        if gather is not None and gather.get("actionOnEmptyResult") == "true":
            return self.post(gather.get("action"))
        return self.follow()

    def follow(self) -> Answer:
        redirect = self.answer.find("Redirect")
        assert redirect is not None, "no <Redirect> to follow"
        return self.post(redirect.text.strip())

    def dial_ends(self, status: str) -> Answer:
        dial = self.answer.find("Dial")
        assert dial is not None, "no <Dial> in the answer"
        return self.post(dial.get("action"), DialCallStatus=status)

    def to_main_menu(self, language_key: str = "1") -> Answer:
        """Ring, choose a language, let the keys introduction play: at the main menu."""
        self.ring()
        self.press(language_key)
        return self.follow()


@pytest.fixture
def caller(client):
    return Caller(client)


@pytest.fixture(scope="session")
def shared_clock():
    return Clock()


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, shared_clock):
    """One app for the many tests that only ring the line and change no config.

    A module opts in by overriding `client` and `clock` with `shared_client` and
    `shared_open_clock`; building an app per test is what makes a suite slow.
    """
    yield from running_app(line_config(tmp_path_factory.mktemp("shared"), shared_clock))


@pytest.fixture
def shared_client(shared_app):
    return shared_app.test_client()


@pytest.fixture
def shared_open_clock(shared_clock):
    """The shared app's clock, set to OPEN at the start of every test."""
    shared_clock.now = OPEN
    return shared_clock
