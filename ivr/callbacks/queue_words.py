"""The callback queue in words a caseworker reads: the number to ring (UK national form and a
`tel:` link; through Relay UK when the caller keyed 18001 or 18002), the safe time with the
hours the caller heard, the safety answers that restrict the call, written as instructions,
and which callback it is.

The hours of a time band are read from the words of the prompt that offered it
(`callback.when.<band>` in the live line's own language), so a change to those words
reaches this page too: the hours are never typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from flask import current_app

from . import windows

BANDS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening", "any": "Any time"}
NOT_ANSWERED = "Not answered"
PURPOSES = {"liaison": "Victim liaison officer", "helpline": "Helpline"}
STATUSES = {
    "new": "New",
    "assigned": "Assigned",
    "attempted": "Attempted",
    "done": "Done: called back",
    "could_not_reach": "Could not reach",
    "in_progress": "In progress",  # only in the history of requests from before these statuses
}
# Ringing a textphone user from a voice phone: Relay UK's prefix, then the whole national number.
RELAY_PREFIX = "18002"
_HOURS = windows.HOURS


@dataclass(frozen=True)
class Number:
    """A number as a caseworker rings it: `text` to read, `href` for a phone (E.164), or None."""

    text: str
    href: str | None


def number_to_ring(number: str | None, relay: bool = False) -> Number:
    """'07911 123456' linked as tel:+447911123456; a number abroad in international form;
    through Relay UK, '18002 07911 123456' linked as tel:1800207911123456."""
    if not number:
        return Number("The number cannot be opened: check IVR_DATA_KEY", None)
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return Number(number, None)
    # +44 is dialled in national form from the UK (Guernsey, Jersey and the Isle of Man too).
    form = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    text = phonenumbers.format_number(parsed, form)
    if relay and parsed.country_code == 44:
        national = "".join(ch for ch in text if ch.isdigit())
        return Number(f"{RELAY_PREFIX} {text}", f"tel:{RELAY_PREFIX}{national}")
    return Number(text, f"tel:{e164}")


def hours_in(words: str) -> str | None:
    """'5pm to 8pm' from 'For the early evening, 5pm to 8pm'; None when the words give no hours."""
    match = _HOURS.search(words or "")
    return f"{match.group(1)} to {match.group(2)}" if match else None


def _heard(band: str) -> str | None:
    flow = current_app.extensions["ivr.line"]().flow
    try:
        return flow.prompts.text(f"callback.when.{band}", flow.settings.default_language)
    except KeyError:
        return None


def safe_time(band: str | None) -> str:
    """'Evening, 5pm to 8pm': the band and the hours the caller was offered for it."""
    if band not in BANDS:
        return NOT_ANSWERED
    if band == "any":
        spans = [hours_in(_heard(one) or "") for one in BANDS if one != "any"]
        if all(spans):
            return f"{BANDS[band]}, {spans[0].split(' to ')[0]} to {spans[-1].split(' to ')[-1]}"
        return BANDS[band]
    words = _heard(band)
    hours = hours_in(words or "")
    if hours:
        return f"{BANDS[band]}, {hours}"
    return f"{BANDS[band]} (the caller heard: “{words}”)" if words else BANDS[band]


def restrictions(voicemail_ok: bool | None, say_who_is_calling: bool | None) -> list[str]:
    """What a caseworker must not do on this call, from the caller's safety answers.
    An unanswered question is treated as a no: the safe side."""
    told = []
    if voicemail_ok is not True:
        why = "said it is not safe" if voicemail_ok is False else "did not say it is safe"
        told.append(f"Do not leave a voicemail message: the caller {why}.")
    if say_who_is_calling is not True:
        why = "said it is not safe" if say_who_is_calling is False else "did not say it is safe"
        told.append(
            f"Do not say who is calling or where you are calling from: the caller {why}. "
            "Say their reference number instead, so they know the call is really from us."
        )
    return told


def status_words(item, max_attempts: int) -> str:
    """'Attempted (1 of 3)': failed attempts of those allowed; 'Attempted: spoke to the caller' once answered."""
    words = STATUSES.get(item.status, item.status)
    if item.status != "attempted":
        return words
    if any(a.outcome == "answered" for a in item.attempts):
        return f"{words}: spoke to the caller"
    return f"{words} ({item.failed_attempts} of {max_attempts})"


def counted(counts: dict[str, int]) -> str:
    """'4 new, 1 assigned, 0 attempted, 1 overdue': the queue's open requests by status."""
    return ", ".join(f"{counts.get(key, 0)} {key}" for key in ("new", "assigned", "attempted", "overdue"))


# The request's heading says its language in English words (the language list says "Cymraeg").
LANGUAGES = {"en-GB": "English", "cy-GB": "Welsh"}
NOT_KEPT = "Not recorded (booked before this was kept)"


def listening(asked_at: str | None) -> str:
    """'Protection guidance': what the caller was listening to when they asked for the callback, by
    the guidance (or else the menu) that offers the callback node they booked from."""
    if not asked_at:
        return NOT_KEPT
    from ..flow import model
    from ..staff.words import place_name

    flow = current_app.extensions["ivr.line"]().flow
    menus = [n for n in flow.nodes.values() if isinstance(n, model.Menu) and any(c.goto == asked_at for c in n.choices)]
    before = [n for n in flow.nodes.values() if isinstance(n, model.Guidance) and n.next in {m.id for m in menus}]
    places = [place_name(n) for n in before] or [place_name(n) for n in menus]
    if not places:  # a booking reached by saying "call me back" on a menu with no callback of its own
        return "A menu: they asked by saying “call me back”"
    # One topic's parts ("Protection guidance", "Protection officer guidance") say the topic's first.
    return places[0] if len({p.split()[0] for p in places}) == 1 else " or ".join(places)


def heading(item) -> str:
    """'Callback request 561486: protection guidance, Welsh, evening'."""
    about = listening(item.asked_at) if item.asked_at else PURPOSES.get(item.purpose, item.purpose)
    parts = [about[0].lower() + about[1:], LANGUAGES.get(item.language, item.language)]
    if item.safe_time in BANDS:
        parts.append(BANDS[item.safe_time].lower())
    return f"Callback request {item.reference}: {', '.join(parts)}"


def history(item) -> list[tuple]:
    """(when, what happened and who did it) for each event: 'Done: called back, by casey@example.org'."""
    lines = []
    for index, change in enumerate(item.history):
        if index == 0 and change.status == "new" and not change.by:
            words = "Asked for by the caller, on the line"
        else:
            words = change.detail or STATUSES.get(change.status, change.status)
            words = words[0].upper() + words[1:]
            if change.by:
                words += f", by {change.by}"
        if change.note:
            words += f". Note: {change.note}"
        lines.append((change.at, words))
    return lines


def outside_safe_time(item, at) -> str:
    """"outside the caller's safe time: Evening, 5pm to 8pm" for an attempt made outside it, else ''."""
    from zoneinfo import ZoneInfo

    from ..flow.hours import helpline_hours

    flow = current_app.extensions["ivr.line"]().flow
    line = helpline_hours(flow)
    zone = ZoneInfo(line.timezone) if line else ZoneInfo("Europe/London")
    if windows.outside(windows.window(flow, item.safe_time), at, zone):
        return f"outside the caller's safe time: {safe_time(item.safe_time)}"
    return ""


def consent(item) -> str:
    """What the caller chose about saying who is calling, in the words they heard for this purpose:
    'Yes: they chose “If it is safe to say we are from the victims' helpline”'."""
    if item.say_who_is_calling is None:
        return NOT_ANSWERED
    if item.say_who_is_calling:
        prompt = "callback.helpline.identify.yes" if item.purpose == "helpline" else "callback.identify.yes"
    else:
        prompt = "callback.identify.no"
    flow = current_app.extensions["ivr.line"]().flow
    try:
        words = flow.prompts.text(prompt, flow.settings.default_language)
    except KeyError:
        words = None
    answer = "Yes" if item.say_who_is_calling else "No"
    return f"{answer}: they chose “{words}”" if words else answer
