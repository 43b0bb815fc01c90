"""Walk every node of the shipped call tree in both languages: valid TwiML, no dead ends."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from ivr.flow import load_flow

from .conftest import CLOSED, OPEN, PUBLIC_URL, ROOT, Caller

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
LANGUAGES = sorted(FLOW.settings.languages)
KEYS = list("0123456789*#")
DIAL_STATUSES = ["completed", "busy", "no-answer", "failed", "canceled"]
ENDINGS = {n.id for n in FLOW.nodes.values() if n.kind == "goodbye"}
GOODBYE_WORDS = {FLOW.prompts.text(p, lang) for n in ENDINGS for p in FLOW.nodes[n].prompts for lang in LANGUAGES}


@pytest.fixture
def client(shared_client):
    return shared_client


@pytest.fixture(autouse=True)
def clock(shared_open_clock):
    return shared_open_clock


def check_twiml(app, answer, where: str):
    """Valid TwiML that leads somewhere: the assertions the whole walk rests on."""
    assert answer.status == 200, where
    assert answer.response.mimetype == "text/xml", where
    root = answer.root
    assert root.tag == "Response", where
    adapter = app.url_map.bind("line.example.org")

    def known(url):
        assert url.startswith(f"{PUBLIC_URL}/voice/"), (where, url)
        endpoint, _ = adapter.match(urlsplit(url).path, method="POST")  # raises NotFound for an unknown route
        assert endpoint != "static", (where, url)

    for gather in root.iter("Gather"):
        known(gather.get("action"))
        assert gather.get("method") == "POST", where
    for redirect in root.iter("Redirect"):
        known(redirect.text.strip())
    for dial in root.iter("Dial"):
        if dial.get("action") is not None:
            known(dial.get("action"))
    for say in root.iter("Say"):
        assert "".join(say.itertext()).strip(), f"{where}: an empty <Say>"
    tags = [verb.tag for verb in root]
    leads_on = "Gather" in tags or "Redirect" in tags or any(d.get("action") for d in root.iter("Dial"))
    if "Hangup" in tags:
        assert tags[-1] == "Hangup", where
        assert answer.text in GOODBYE_WORDS, f"{where}: hangs up without the goodbye: {answer.text!r}"
    else:
        assert leads_on, f"{where}: a dead end: {answer.response.data!r}"


def go(caller, url, **params):
    try:
        return caller.post(url, **params)
    except HTTPException as exc:  # pragma: no cover - would be a failure anyway
        pytest.fail(f"{url}: {exc}")


def inputs_for(node) -> list[tuple[str, dict]]:
    if node.kind in ("menu", "language"):
        return [("silence", {})] + [(f"key {k}", {"Digits": k}) for k in KEYS] + [("words", {"SpeechResult": "um"})]
    if node.kind in ("guidance", "callback"):
        return [("silence", {}), ("key 5", {"Digits": "5"})]
    return [("stray key", {"Digits": "1"})]


@pytest.mark.parametrize("now", [OPEN, CLOSED], ids=["open", "closed"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("node_id", sorted(FLOW.nodes))
def test_walk_every_node(app_for_walk, client, clock, node_id, language, now):
    clock.now = now
    caller = Caller(client)
    node = FLOW.nodes[node_id]
    query = f"l={language}&m=0&s=0&w=0"
    entered = go(caller, f"/voice/node/{node_id}?{query}")
    check_twiml(app_for_walk, entered, f"enter {node_id}")
    # Follow where the node leads by itself (a Redirect), once.
    if entered.find("Redirect") is not None and entered.find("Dial") is None:
        check_twiml(app_for_walk, go(caller, entered.find("Redirect").text.strip()), f"after {node_id}")
    # Answer it every way a caller can.
    for label, params in inputs_for(node):
        answer = go(caller, f"/voice/input/{node_id}?{query}", **params)
        check_twiml(app_for_walk, answer, f"{node_id} {label}")
        if answer.gather is not None and "speech" in answer.gather.get("input", ""):
            assert FLOW.settings.languages[language].speech
            assert answer.gather.get("language") == FLOW.settings.languages[language].speech_language
        elif answer.gather is not None:  # keys only: nothing for Twilio to refuse
            assert answer.gather.get("input") == "dtmf"
            assert answer.gather.get("language") is None and answer.gather.get("hints") is None
    # A transfer: every way the call can end.
    dial = entered.find("Dial")
    if dial is not None:
        for status in DIAL_STATUSES:
            ended = go(caller, dial.get("action"), DialCallStatus=status)
            check_twiml(app_for_walk, ended, f"{node_id} dial {status}")


@pytest.fixture
def app_for_walk(shared_app):
    return shared_app


def walk_from_the_ring(app, client, language_key) -> set[str]:
    """Breadth first from the ring, every key at every Gather; returns the nodes that listened."""
    caller = Caller(client)
    caller.ring()
    queue, seen, listened = [caller.press(language_key)], set(), set()
    while queue:
        answer = queue.pop()
        check_twiml(app, answer, f"after {len(seen)} answers")
        urls = []
        if answer.gather is not None:
            action = answer.gather.get("action")
            listened.add(urlsplit(action).path.rsplit("/", 1)[-1])
            urls += [(action, {"Digits": k}) for k in KEYS] + [(action, {})]
        if answer.find("Redirect") is not None:
            urls.append((answer.find("Redirect").text.strip(), {}))
        if answer.find("Dial") is not None:
            urls += [(answer.find("Dial").get("action"), {"DialCallStatus": s}) for s in ("busy", "completed")]
        for url, params in urls:
            marker = (urlsplit(url).path, tuple(sorted(params.items())))
            if marker not in seen:
                seen.add(marker)
                queue.append(go(caller, url, **params))
    return listened


@pytest.mark.parametrize("language_key", ["1", "2"], ids=["en-GB", "cy-GB"])
def test_every_path_from_the_ring_leads_on(shared_app, client, clock, language_key):
    listened = walk_from_the_ring(shared_app, client, language_key)
    clock.now = CLOSED
    listened |= walk_from_the_ring(shared_app, client, language_key)
    # Every menu and every piece of guidance was heard along some path.
    expected = {n for n, node in FLOW.nodes.items() if node.kind in ("menu", "guidance")}
    assert expected - listened == set()
