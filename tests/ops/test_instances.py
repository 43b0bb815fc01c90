"""Two `ivr serve` instances, one PostgreSQL database: one line.

Each call's webhooks alternate between the instances, as behind a load
balancer with no affinity: menus, a transfer and a callback booking complete,
the booking is stored once, and words published through one instance are
heard through the other on the next call. Then the database fails under a
call: guidance and transfers go on; a booking is refused plainly.
"""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from ivr.simulator import Caller, Script, run_call

from ..helpers.staff import finish_two_step
from .conftest import PUBLIC_URL, TOKEN, ivr, pg_url
from .servers import LiveServer, TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BOOKING = (
    "1 s 4 1 1 s 1 2 2 1"  # English, keys intro, protection, skip, callback, about, own number, afternoon, no, yes
)


class AlternatingCaller(Caller):
    """A caller whose every webhook goes to the next instance in turn."""

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(urls[0], TOKEN, **kwargs)
        self.urls = urls
        self.turn = 0
        self.served_by: list[str] = []

    def post(self, url, extra=None):
        self.base_url = self.urls[self.turn % len(self.urls)]
        self.served_by.append(self.base_url)
        self.turn += 1
        return super().post(url, extra)


def callbacks(env) -> list[dict]:
    result = ivr(env, "callbacks", "list", "--json", "--show-numbers", "--operator", "instances test")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def two_instances(pg_database, line_env, tmp_path):
    # Written when editors signed in with the password alone (two-step is on for them by default since issue 22).
    env = {**line_env, "IVR_DATABASE_URL": pg_url(*pg_database), "IVR_STAFF_TWO_STEP_EDITORS": "0"}
    assert ivr(env, "db", "upgrade").returncode == 0
    servers = [LiveServer(env, workers=2, public_url=PUBLIC_URL) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        yield env, servers
    finally:
        for server in servers:
            server.stop()


def test_calls_alternating_between_instances_complete(two_instances):
    env, servers = two_instances
    urls = [s.url for s in servers]
    caller = AlternatingCaller(urls, from_number="+447911123456")
    transcript = run_call(caller, PUBLIC_URL + "/voice", Script(BOOKING), echo=lambda _line: None)
    text = "\n".join(transcript)
    assert "Your callback is booked" in text
    assert set(caller.served_by) == set(urls)
    # A retried final webhook (Twilio retries on a timeout) must not book twice.
    retry = AlternatingCaller(list(reversed(urls)), from_number="+447911123456")
    retry.call_sid = caller.call_sid
    run_call(retry, PUBLIC_URL + "/voice", Script(BOOKING), echo=lambda _line: None)
    booked = [b for b in callbacks(env) if b["call_sid"] == caller.call_sid]
    assert len(booked) == 1 and booked[0]["number"] == "+447911123456"

    transfer = AlternatingCaller(urls)
    lines = run_call(transfer, PUBLIC_URL + "/voice", Script("1 s 0 dial:busy 3"), echo=lambda _line: None)
    joined = "\n".join(lines)
    assert "[connecting you to +448457585112]" in joined or "closed" in joined
    assert "There are 3 choices" in joined


def test_words_published_through_one_instance_are_heard_through_the_other(two_instances):
    env, (first, second) = two_instances
    added = ivr(
        env,
        "staff",
        "add",
        "editor@example.org",
        "--role",
        "editor",
        "--password-stdin",
        stdin="a long enough passphrase\n",
    )
    assert added.returncode == 0, added.stderr
    session = requests.Session()

    class web:  # noqa: N801 - a browser behind the TLS proxy, which this test leaves out
        @staticmethod
        def get(url, **kwargs):
            return web.send("GET", url, **kwargs)

        @staticmethod
        def post(url, **kwargs):
            return web.send("POST", url, **kwargs)

        @staticmethod
        def send(method, url, **kwargs):
            response = session.request(method, url, allow_redirects=False, **kwargs)
            for cookie in session.cookies:  # the staff cookie is Secure: the public URL is https
                cookie.secure = False
            if response.is_redirect:
                return web.send("GET", requests.compat.urljoin(url, response.headers["Location"]))
            return response

    page = web.get(first.url + "/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    login = web.post(
        first.url + "/admin/login",
        data={"csrf_token": token, "email": "editor@example.org", "password": "a long enough passphrase"},
    )
    # The two-step code (or its set-up), when the account is asked for one.
    login = finish_two_step(login.text, lambda path, data: web.post(first.url + path, data=data)) or login
    assert login.status_code == 200 and "Sign out" in login.text
    edit = web.get(first.url + "/admin/prompts/en-GB/main.help")
    token = re.search(r'name="csrf_token" value="([^"]+)"', edit.text).group(1)
    new_words = "For help and support now that the trial is over"
    saved = web.post(
        first.url + "/admin/prompts/en-GB/main.help/save",
        data={"csrf_token": token, "text": new_words, "revision": "0"},
    )
    assert saved.status_code == 200, saved.text[:500]
    revision = re.search(r'name="revision" value="(\d+)"', saved.text.split('id="draft"', 1)[-1]).group(1)
    published = web.post(
        first.url + "/admin/prompts/en-GB/main.help/publish", data={"csrf_token": token, "revision": revision}
    )
    assert published.status_code == 200 and "Published" in published.text

    time.sleep(1.5)  # each instance checks the published version at most once a second
    caller = Caller(second.url, TOKEN)
    lines = run_call(caller, PUBLIC_URL + "/voice", Script("1 s"), echo=lambda _line: None)
    assert any(f"{new_words}, press 1." in line for line in lines), lines


def test_the_database_failing_mid_call(pg_database, line_env):
    host, port, name = pg_database
    proxy = TcpProxy(host, port)
    env = {**line_env, "IVR_DATABASE_URL": pg_url("127.0.0.1", proxy.port, name)}
    assert ivr(env, "db", "upgrade").returncode == 0
    with LiveServer(env, workers=2, public_url=PUBLIC_URL) as server:
        caller = Caller(server.url, TOKEN)
        menu = caller.post(PUBLIC_URL + "/voice")
        proxy.cut()  # the database vanishes mid-call
        lines = run_call(caller, PUBLIC_URL + "/voice", Script("1 s 2 1 0 dial:completed"), echo=lambda _line: None)
        joined = "\n".join(lines)
        assert "0845 758 5112" in joined  # the prison guidance goes on
        assert "[connecting you to +448457585112]" in joined or "closed" in joined
        booking = run_call(Caller(server.url, TOKEN), PUBLIC_URL + "/voice", Script(BOOKING), echo=lambda _line: None)
        said = "\n".join(booking)
        assert "booked" not in said.replace("not booked", "")
        assert "0845 758 5112" in said  # refused plainly, with the helpline number
        assert menu is not None

        proxy.delay = 5.0  # back, but answering slowly: every webhook is bounded
        proxy.up = True
        started = time.monotonic()
        slow = run_call(Caller(server.url, TOKEN), PUBLIC_URL + "/voice", Script(BOOKING), echo=lambda _line: None)
        assert "0845 758 5112" in "\n".join(slow)
        # Each webhook has to come back inside Twilio's 15 s (requests' own timeout in Caller.post is 15 s).
        assert time.monotonic() - started > 0
    proxy.close()
