"""The webhooks: signatures, bad input, stale URLs and faults never reach a caller as a 500."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from .conftest import PUBLIC_URL, Caller, sign

HELPLINE = "+448457585112"
STALE = "Sorry, that part of the line has changed. Here is the main menu."
PARAMS = {"CallSid": "CA" + "b" * 32, "From": "+447700900123", "To": "+441632960000"}
ROUTES = [
    "/voice",
    "/voice/node/main?l=en-GB",
    "/voice/input/main?l=en-GB",
    "/voice/dial/helpline_transfer",
    "/voice/status",
]


@pytest.fixture
def client(shared_client):
    return shared_client


@pytest.fixture(autouse=True)
def clock(shared_open_clock):
    return shared_open_clock


def post(client, path, params=PARAMS, signature=None, **kwargs):
    signature = sign(PUBLIC_URL + path, params) if signature is None else signature
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature}, **kwargs)


# --- signatures -------------------------------------------------------------------


@pytest.mark.parametrize("path", ROUTES)
def test_signed_requests_are_answered(client, path):
    response = post(client, path)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert ET.fromstring(response.data).tag == "Response"


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda path: "", id="unsigned"),
        pytest.param(lambda path: "Zm9yZ2VkIHNpZ25hdHVyZQ==", id="forged"),
        pytest.param(lambda path: sign(PUBLIC_URL + "/voice/node/goodbye", PARAMS), id="another-url"),
        pytest.param(lambda path: sign(PUBLIC_URL + path, PARAMS, token="another-token"), id="another-token"),
        pytest.param(lambda path: sign(PUBLIC_URL + path, {**PARAMS, "Digits": "1"}), id="other-parameters"),
        pytest.param(lambda path: sign("http://localhost" + path, PARAMS), id="signed-for-the-host-header"),
    ],
)
def test_unsigned_or_forged_requests_get_403(client, path, signature):
    response = post(client, path, signature=signature(path))
    assert response.status_code == 403
    assert b"<Gather" not in response.data


def test_a_tampered_state_query_gets_403(client):
    signature = sign(PUBLIC_URL + "/voice/input/main?l=en-GB&m=0&s=0&w=0", PARAMS)
    response = post(client, "/voice/input/main?l=en-GB&m=1&s=0&w=0", signature=signature)
    assert response.status_code == 403


def test_signed_against_the_public_url_works_behind_a_proxy(client):
    path = "/voice/node/main?l=en-GB&m=0&s=0&w=0"
    response = client.post(
        path,
        data=PARAMS,
        base_url="http://10.0.0.5:8000",
        headers={"X-Twilio-Signature": sign(PUBLIC_URL + path, PARAMS), "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Gather").get("action").startswith(f"{PUBLIC_URL}/voice/input/main?")


def test_get_is_not_allowed(client):
    assert client.get("/voice").status_code == 405


def test_a_2mb_body_is_refused_with_413(client):
    body = {**PARAMS, "SpeechResult": "x" * (2 * 1024 * 1024)}
    response = post(client, "/voice/input/main?l=en-GB", params=body, signature="anything")
    assert response.status_code == 413


# --- bad input: a spoken, safe answer -------------------------------------------------------


def assert_spoken_menu(response, node="main"):
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    said = " ".join("".join(s.itertext()) for s in root.iter("Say"))
    assert said.strip()
    gather = root.find("Gather")
    assert gather.get("action").startswith(f"{PUBLIC_URL}/voice/input/{node}?")
    return said


@pytest.mark.parametrize(
    ("extra", "first_words"),
    [
        ({"Digits": "abc"}, "Sorry, that key is not one of the choices."),
        ({"Digits": "7" * 50}, "Sorry, that key is not one of the choices."),
        ({"Digits": ""}, "Sorry, I did not hear anything."),
        ({"SpeechResult": "blah " * 2048}, "Sorry, I did not understand that."),
        ({"SpeechResult": "\x00\ufffd\u202e"}, "Sorry, I did not understand that."),
        ({"Digits": "   "}, "Sorry, I did not hear anything."),
    ],
    ids=["letters", "50-digits", "empty", "10kb-speech", "control-characters", "spaces"],
)
def test_junk_input_gets_the_menu_again(client, extra, first_words):
    response = post(client, "/voice/input/main?l=en-GB&m=0&s=0&w=0", params={**PARAMS, **extra})
    assert assert_spoken_menu(response).startswith(first_words)


def test_no_call_sid_or_numbers_still_gets_an_answer(client):
    for path in ("/voice", "/voice/input/main?l=en-GB", "/voice/status"):
        response = post(client, path, params={})
        assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["l=xx&m=7&s=-1&w=999999", "l=&m=&s=&w=", "s=9&s=1", "l=%00&m=%ff", "junk", "l=" + "x" * 3000],
)
def test_junk_state_query_is_read_safely(client, query):
    response = post(client, f"/voice/node/main?{query}")
    said = assert_spoken_menu(response)
    assert said.startswith("There are 4 choices.")


@pytest.mark.parametrize(
    "path",
    ["/voice/node/gone", "/voice/input/gone", "/voice/node/MAIN", "/voice/node/a%2e%2e", "/voice/node/" + "a" * 200],
)
def test_an_unknown_node_is_the_main_menu_with_an_apology(client, path):
    said = assert_spoken_menu(post(client, path + "?l=en-GB&m=0&s=0&w=0"))
    assert said.startswith(STALE)


def test_a_dial_result_for_a_node_that_is_not_a_transfer(client):
    response = post(client, "/voice/dial/main?l=en-GB", params={**PARAMS, "DialCallStatus": "busy"})
    assert assert_spoken_menu(response).startswith(STALE)


def test_a_dial_result_without_a_status_is_a_failure_explained(client):
    response = post(client, "/voice/dial/helpline_transfer?l=en-GB")
    said = assert_spoken_menu(response, "helpline_unavailable")
    assert said.startswith("The call could not be connected.")


def test_the_status_callback_answers_empty_twiml(client):
    response = post(client, "/voice/status", params={**PARAMS, "CallStatus": "completed"})
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert (root.tag, list(root)) == ("Response", [])


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "method"), [("/voice/input/main?l=en-GB", "answer"), ("/voice", "start")])
def test_an_engine_fault_gets_the_helpline_not_a_500(shared_app, client, monkeypatch, path, method):
    engine = shared_app.extensions["ivr.line"]().engine

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, method, broken)
    response = post(client, path, params={**PARAMS, "Digits": "1"})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    dial = root.find("Dial")
    assert (dial.findtext("Number") or dial.text).strip() == HELPLINE
    said = " ".join("".join(s.itertext()) for s in root.iter("Say"))
    assert "999" in said
    assert "boom" not in response.data.decode()


def test_a_caller_gets_the_same_answer_from_any_worker(app, app_config):
    """State lives in the URLs: a second app (another worker) continues the same call."""
    from ivr import create_app

    first, second = app, create_app(dict(app_config))
    try:
        caller_a, caller_b = Caller(first.test_client()), Caller(second.test_client())
        caller_a.to_main_menu()
        slow = caller_a.press("9")
        caller_b.answer = slow
        carried_on = caller_b.press("2")
        assert carried_on.find("Gather/Say/prosody").get("rate") == "75%"
        assert "phone calls from the prisoner" in carried_on.text
    finally:
        second.extensions["ivr.db"].dispose()
