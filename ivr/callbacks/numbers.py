"""Callback numbers: what a caller keyed in (or said), checked with phonenumbers.

Pure: no Flask, no database. A number is refused when it cannot be a callback:
not digits, too short or too long, not a real number, premium rate, or an
emergency or service code (999, 112, 101 ...). A good number comes back in
E.164 with the groups it is read back in ("07911 123 456").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

# Reasons a number is refused; each has a prompt "callback.number.<reason>".
NOT_DIGITS = "not_digits"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
INVALID = "invalid"
PREMIUM = "premium"
EMERGENCY = "emergency"
REFUSALS = (NOT_DIGITS, TOO_SHORT, TOO_LONG, INVALID, PREMIUM, EMERGENCY)

# Emergency, police and NHS codes: never a callback number (and 999 means danger now).
SERVICE_CODES = ("999", "112", "911", "101", "111")
MAX_KEYED = 20  # anything longer is refused before phonenumbers sees it
_DIGITS = re.compile(r"^[0-9]+$")
_GROUPS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class CallbackNumber:
    e164: str
    groups: tuple[str, ...]  # the digits as read back, e.g. ("07911", "123", "456")

    @property
    def last_three(self) -> str:
        return self.e164[-3:]


def check_keyed(keyed: str) -> CallbackNumber | str:
    """A number as keyed in (digits only, `00` for international) -> the number, or a refusal reason."""
    keyed = keyed.strip()
    if not _DIGITS.match(keyed):
        return NOT_DIGITS
    if len(keyed) > MAX_KEYED:
        return TOO_LONG
    if len(keyed) <= 6 and keyed.startswith(SERVICE_CODES):
        return EMERGENCY
    if keyed.startswith("00"):
        international = keyed[2:]
        if len(international) < 7:
            return TOO_SHORT
        if len(international) > 15:
            return TOO_LONG
        text, region = "+" + international, None
    elif keyed.startswith("44") and len(keyed) == 12:  # the UK country code without 00
        text, region = "+" + keyed, None
    else:
        if len(keyed) < 10:
            return TOO_SHORT
        if len(keyed) > 11:
            return TOO_LONG
        text, region = keyed, "GB"
    return _check(text, region)


# Relay UK: a textphone or app user keys 18001 (or 18002 from a phone to reach a text user)
# before the number, and the call goes through a relay assistant who types and speaks.
RELAY_PREFIXES = ("18001", "18002")


def split_relay(keyed: str) -> tuple[bool, str]:
    """(True, the number after it) when a whole number was keyed with a Relay UK prefix in front."""
    keyed = keyed.strip()
    for prefix in RELAY_PREFIXES:
        # The prefix alone or a short number after it is not a relay call: let the usual checks refuse it.
        if keyed.startswith(prefix) and len(keyed) - len(prefix) >= 10:
            return True, keyed[len(prefix) :]
    return False, keyed


def from_caller_id(caller: str | None) -> CallbackNumber | None:
    """The caller's own number from Twilio's `From`, if it is one we could call back."""
    caller = (caller or "").strip()
    if not re.match(r"^\+[1-9][0-9]{6,14}$", caller):
        return None  # withheld: "anonymous", "restricted", "+266696687", empty
    result = _check(caller, None)
    return result if isinstance(result, CallbackNumber) else None


def groups_of(e164: str) -> tuple[str, ...]:
    """How a stored number is read back: UK numbers as dialled here, others with 00."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return _split(e164.lstrip("+"))
    return _groups(parsed)


def _check(text: str, region: str | None) -> CallbackNumber | str:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return INVALID
    national = str(parsed.national_number)
    if parsed.country_code == 44 and national.startswith("9"):
        return PREMIUM
    if not phonenumbers.is_valid_number(parsed):
        return INVALID
    if phonenumbers.number_type(parsed) == PhoneNumberType.PREMIUM_RATE:
        return PREMIUM
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return CallbackNumber(e164, _groups(parsed))


def _groups(parsed) -> tuple[str, ...]:
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if parsed.country_code == 44:
        groups = _GROUPS.findall(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
        head: tuple[str, ...] = ()
    else:
        international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        groups = _GROUPS.findall(international)[1:]  # the country code is read with its 00
        head = ("00" + str(parsed.country_code),)
    out = head + tuple(part for group in groups for part in _split(group))
    expected = ("0" if parsed.country_code == 44 else "00" + str(parsed.country_code)) + e164[
        1 + len(str(parsed.country_code)) :
    ]
    if "".join(out) != expected:  # an odd national format: fall back to plain groups of three
        return _split(expected)
    return out


def _split(group: str) -> tuple[str, ...]:
    """Groups longer than five are read in threes: "07911 123456" -> "07911", "123", "456"."""
    if len(group) <= 5:
        return (group,)
    return tuple(group[i : i + 3] for i in range(0, len(group), 3))


def digits_from_speech(heard: str, digit_words: dict[str, str], repeat_words: dict[str, int]) -> str:
    """The digits in words a caller said: "oh seven nine double one ..." or "07911 ...".

    `digit_words` maps a spoken word to its digit, `repeat_words` "double" to 2;
    other words ("my number is") are passed over. "+" is read as 00.
    """
    heard = heard.lower().replace("+", " 00 ")
    out: list[str] = []
    repeat = 1
    for token in re.findall(r"[^\W_]+", heard):
        if token.isascii() and token.isdigit():
            out.append(token[0] * repeat + token[1:])
            repeat = 1
        elif token in digit_words:
            out.append(digit_words[token] * repeat)
            repeat = 1
        elif token in repeat_words:
            repeat = repeat_words[token]
        elif token == "plus":
            out.append("00")
    return "".join(out)
