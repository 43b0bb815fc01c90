"""Checking callback numbers: what can be called back, and why anything else is refused."""

import pytest

from ivr.callbacks import numbers


@pytest.mark.parametrize(
    "keyed, e164, groups",
    [
        ("07911123456", "+447911123456", ("07911", "123", "456")),  # a mobile: 5-3-3
        ("02079460101", "+442079460101", ("020", "7946", "0101")),  # London: 3-4-4
        ("01189998881", "+441189998881", ("0118", "999", "8881")),  # 999 inside a number is fine
        ("00447911123456", "+447911123456", ("07911", "123", "456")),  # the UK with 00 44
        ("447911123456", "+447911123456", ("07911", "123", "456")),  # 44 without the 00
        ("0033123456789", "+33123456789", ("0033", "1", "23", "45", "67", "89")),  # France
        ("0016502530000", "+16502530000", ("001", "650", "253", "0000")),  # the US
    ],
)
def test_numbers_that_can_be_called_back(keyed, e164, groups):
    checked = numbers.check_keyed(keyed)
    assert checked == numbers.CallbackNumber(e164, groups)


@pytest.mark.parametrize(
    "keyed, reason",
    [
        ("07911*123456", numbers.NOT_DIGITS),  # star pressed in the middle
        ("0791112345A", numbers.NOT_DIGITS),  # letters (from a textphone or a replayed webhook)
        ("", numbers.NOT_DIGITS),
        ("7" * 30, numbers.TOO_LONG),  # thirty digits
        ("079111234567", numbers.TOO_LONG),  # a UK number one digit too long
        ("00" + "3" * 16, numbers.TOO_LONG),
        ("0791112", numbers.TOO_SHORT),
        ("0", numbers.TOO_SHORT),
        ("0033123", numbers.TOO_SHORT),
        ("09011234567", numbers.PREMIUM),  # 09: premium rate
        ("0044901123456", numbers.PREMIUM),  # the same through 00 44
        ("08457585112", numbers.PREMIUM),  # 0845 is charged like premium rate too
        ("999", numbers.EMERGENCY),
        ("112", numbers.EMERGENCY),
        ("101", numbers.EMERGENCY),
        ("111", numbers.EMERGENCY),
        ("9999", numbers.EMERGENCY),
        ("04000000000", numbers.INVALID),  # the right length, but 04 is no UK range
        ("07700900123", numbers.INVALID),  # Ofcom's drama range: never a real phone
    ],
)
def test_numbers_that_are_refused_say_why(keyed, reason):
    assert numbers.check_keyed(keyed) == reason


@pytest.mark.parametrize(
    "caller, expected",
    [
        ("+447911123456", "+447911123456"),
        ("anonymous", None),
        ("restricted", None),
        ("+266696687", None),  # Twilio's "anonymous" spelled on a keypad
        ("", None),
        (None, None),
        ("+449011234567", None),  # premium rate: not a number to ring back
    ],
)
def test_the_callers_own_number_is_offered_only_when_it_can_be_called(caller, expected):
    own = numbers.from_caller_id(caller)
    assert (own.e164 if own else None) == expected


DIGITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "seven": "7", "nine": "9", "dim": "0", "saith": "7", "naw": "9", "un": "1"}  # fmt: skip


@pytest.mark.parametrize(
    "heard, digits",
    [
        ("oh seven nine one one, one two three four five six", "07911123456"),
        ("zero seven nine double one one two three four five six", "07911123456"),
        ("07911 123456", "07911123456"),
        ("My number is 07911 123 456.", "07911123456"),
        ("+44 7911 123456", "00447911123456"),
        ("dim saith naw un un", "07911"),
        ("I don't know", ""),
    ],
)
def test_digits_are_read_from_speech(heard, digits):
    assert numbers.digits_from_speech(heard, DIGITS, {"double": 2, "triple": 3}) == digits


def test_a_stored_number_is_read_back_in_the_groups_it_was_keyed_in():
    assert numbers.groups_of("+447911123456") == ("07911", "123", "456")
    assert numbers.groups_of("+33123456789") == ("0033", "1", "23", "45", "67", "89")
