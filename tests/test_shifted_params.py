"""A signed request re-sent with a parameter's name cut short or run on into its value keeps
its signature (Twilio joins names and values with no separator): it is refused. New names
Twilio adds are still accepted and ignored."""

from __future__ import annotations

import pytest

from ivr.line.signature import shifted_name

from .conftest import PUBLIC_URL, Caller, sign

BASE = {"CallSid": "CA" + "a" * 32, "From": "+447700900123", "To": "+441632960000", "AccountSid": "AC" + "0" * 32}


def replay(client, path, signed_params, sent_params):
    """Send `sent_params` with the signature of `signed_params` (as a captured request re-sent)."""
    signature = sign(PUBLIC_URL + path, signed_params)
    return client.post(path, data=sent_params, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize(
    "shifted",
    [
        {"Digit": "s2"},
        {"Digits2": ""},
        {"D": "igits2"},
        {"SpeechResul": "thelpline"},
        {"SpeechResulthelpline": ""},
    ],
)
def test_a_known_name_with_its_boundary_moved_is_refused(client, shifted):
    caller = Caller(client)
    caller.ring()
    path = caller._action().removeprefix(PUBLIC_URL)
    original = {**BASE, **({"SpeechResult": "helpline"} if "Speech" in next(iter(shifted)) else {"Digits": "2"})}
    sent = {**BASE, **shifted}
    assert sign(PUBLIC_URL + path, sent) == sign(PUBLIC_URL + path, original)  # the attack: the same signature
    assert replay(client, path, original, original).status_code == 200
    assert replay(client, path, original, sent).status_code == 403


@pytest.mark.parametrize(
    "extra",
    [
        {"CallerCountry": "GB"},
        {"StirVerstat": "TN-Validation-Passed-A"},
        {"CallToken": "%7B%22x%22%7D"},
        {"ToCity": "London"},
        {"SomeNewParameter2031": "x"},
    ],
)
def test_new_and_other_twilio_names_are_accepted(client, extra):
    caller = Caller(client)
    # Twilio always sends Caller and Called beside From and To.
    caller.params.update({"Caller": caller.params["From"], "Called": caller.params["To"], **extra})
    assert caller.ring().status == 200


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"Digits": "2"}, None),
        ({"Digit": "s2"}, "Digit"),
        ({"Digit": "x2"}, None),  # not the shift of Digits
        ({"Digitss": ""}, "Digitss"),
        ({"Digits": "1", "Digitss": ""}, None),  # Digits is there: another name, ignored
        ({"Confidenc": "e0.9"}, "Confidenc"),
    ],
)
def test_shifted_name(params, found):
    assert shifted_name({**BASE, **params}) == found


# Every name the line reads, with a value Twilio could send for it.
KNOWN_VALUES = {
    "AccountSid": "AC" + "0" * 32,
    "AnsweredBy": "human",
    "CallDuration": "42",
    "CallSid": "CA" + "a" * 32,
    "CallStatus": "in-progress",
    "Called": "+441632960000",
    "Caller": "+447700900123",
    "Confidence": "0.9",
    "DialCallDuration": "30",
    "DialCallStatus": "completed",
    "Digits": "2",
    "FinishedOnKey": "#",
    "From": "+447700900123",
    "SpeechResult": "helpline",
    "To": "+441632960000",
}


def merged_into_previous(params: dict, name: str) -> dict:
    """`params` with `name` and its value run into the value of the name before it in Twilio's sort.

    The first name in the sort has nothing before it: it goes into the value of an empty name.
    """
    order = sorted(params)
    at = order.index(name)
    sent = {k: v for k, v in params.items() if k != name}
    previous = order[at - 1] if at else ""
    sent[previous] = sent.get(previous, "") + name + params[name]
    return sent


def test_every_name_the_line_reads_is_in_the_table():
    from ivr.line.signature import READ_NAMES

    assert sorted(KNOWN_VALUES) == sorted(READ_NAMES)


@pytest.mark.parametrize("name", sorted(KNOWN_VALUES))
def test_a_known_name_run_into_the_previous_value_is_refused(client, name):
    """`Caller=+447700900456Digits2` signs as `Caller=+447700900456&Digits=2` (issue 22 item 7)."""
    caller = Caller(client)
    caller.ring()
    path = caller._action().removeprefix(PUBLIC_URL)
    original = dict(KNOWN_VALUES)
    sent = merged_into_previous(original, name)
    assert name not in sent
    assert sign(PUBLIC_URL + path, sent) == sign(PUBLIC_URL + path, original)  # the attack: the same signature
    assert shifted_name(sent) is not None
    assert replay(client, path, original, sent).status_code == 403


@pytest.mark.parametrize("name", ["Digits", "From", "To", "Called", "SpeechResult"])
def test_a_known_name_run_into_a_request_as_twilio_sends_it_is_refused(client, name):
    caller = Caller(client)
    caller.ring()
    path = caller._action().removeprefix(PUBLIC_URL)
    original = {**BASE, "Caller": BASE["From"], "Called": BASE["To"], name: KNOWN_VALUES[name]}
    sent = merged_into_previous(original, name)
    assert sign(PUBLIC_URL + path, sent) == sign(PUBLIC_URL + path, original)
    assert replay(client, path, original, original).status_code == 200
    assert replay(client, path, original, sent).status_code == 403


def test_an_empty_name_is_refused(client):
    caller = Caller(client)
    caller.ring()
    path = caller._action().removeprefix(PUBLIC_URL)
    sent = {**BASE, "": "x", "Digits": "2"}
    assert replay(client, path, sent, sent).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"SpeechResult": "Tomorrow at Called Digits", "Confidence": "0.9", "Digits": "1", "Called": "+44"},
        {"DialCallDuration": "30", "DialCallStatus": "completed"},  # CallDuration inside a present name is fine
        {"CallToken": '{"parentCallInfoToken":"x","parentCallToken":"y"}'},
        {"CallerName": "Digits Ltd", "Digits": "1"},  # Digits is there: no name is missing to re-split into
        {"SpeechResult": "helpline", "Confidence": "0.9"},
    ],
)
def test_ordinary_values_are_not_mistaken_for_a_run_on_name(params):
    sent = {**BASE, "Caller": BASE["From"], "Called": BASE["To"], **params}
    assert shifted_name(sent) is None
