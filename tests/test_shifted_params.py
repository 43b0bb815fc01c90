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
