"""Numbers that must never reach a caller: Ofcom's drama ranges and the numbers this line ships with.

A transfer to a placeholder rings no one (a drama number is never given to a line) or an office that no
longer answers this call (a shipped number copied from an archived page). `ivr check` and `ivr doctor`
both ask `placeholder()`; the rule they apply is in checks.py and doctor.py.

Ofcom keeps 1,000 numbers in each of these ranges for TV and radio drama ("Telephone numbers for
drama programmes"): 15 city ranges, the 01632 "no area" range, and one range each for mobiles,
freephone, premium rate and UK-wide 03 numbers. Every range is a prefix followed by three digits.
"""

from __future__ import annotations

from dataclasses import dataclass

# E.164 prefix -> how the range is written in the UK, and where it stands for.
DRAMA_RANGES: dict[str, tuple[str, str]] = {
    "+441134960": ("0113 496 0000 to 0999", "Leeds"),
    "+441144960": ("0114 496 0000 to 0999", "Sheffield"),
    "+441154960": ("0115 496 0000 to 0999", "Nottingham"),
    "+441164960": ("0116 496 0000 to 0999", "Leicester"),
    "+441174960": ("0117 496 0000 to 0999", "Bristol"),
    "+441184960": ("0118 496 0000 to 0999", "Reading"),
    "+441214960": ("0121 496 0000 to 0999", "Birmingham"),
    "+441314960": ("0131 496 0000 to 0999", "Edinburgh"),
    "+441414960": ("0141 496 0000 to 0999", "Glasgow"),
    "+441514960": ("0151 496 0000 to 0999", "Liverpool"),
    "+441614960": ("0161 496 0000 to 0999", "Manchester"),
    "+441914980": ("0191 498 0000 to 0999", "Tyneside, Durham and Sunderland"),
    "+442079460": ("020 7946 0000 to 0999", "London"),
    "+442896496": ("028 9649 6000 to 6999", "Northern Ireland"),
    # The Northern Ireland range Ofcom gave before 028 9649 6; still printed in many lists, so still refused.
    "+442890180": ("028 9018 0000 to 0999", "Northern Ireland, the earlier range"),
    "+442920180": ("029 2018 0000 to 0999", "Cardiff"),
    "+441632960": ("01632 960000 to 960999", "no real area"),
    "+447700900": ("07700 900000 to 900999", "mobiles"),
    "+448081570": ("08081 570000 to 570999", "freephone"),
    "+449098790": ("0909 879 0000 to 0999", "premium rate"),
    "+443069990": ("03069 990000 to 990999", "UK-wide 03 numbers"),
}

# The numbers flows.yaml ships with that are not drama numbers, and why they cannot stay.
# (tests/flow/test_placeholders.py keeps this in step with the shipped flows.yaml.)
SHIPPED_DEFAULTS: dict[str, str] = {
    "+448457585112": (
        "the National Offender Management Service victim helpline copied from the archived GOV.UK page "
        "(NOMS became HM Prison and Probation Service in 2017)"
    ),
}

# What to put in e164 instead, by the shipped number names; any other name gets the general advice.
ADVICE = {
    "police": (
        "put the local police force's non-emergency switchboard number in e164 "
        "(101 cannot be dialled through Twilio), ring it yourself, then mark it verified"
    ),
    "helpline": "put the victims' helpline's current number in e164, ring it yourself, then mark it verified",
}


@dataclass(frozen=True)
class Placeholder:
    """Why a number is a placeholder, and what to do about it."""

    why: str
    fix: str


def placeholder(name: str, e164: str) -> Placeholder | None:
    """Whether the number named `name` is a placeholder (None: it may be a real line)."""
    fix = ADVICE.get(name, f"put the real number of the {name} line in e164, ring it yourself, then mark it verified")
    for prefix, (written, area) in DRAMA_RANGES.items():
        if e164.startswith(prefix) and len(e164) == len(prefix) + 3 and e164[len(prefix) :].isdigit():
            return Placeholder(f"{e164} is in Ofcom's drama range {written} ({area}): it rings no one", fix)
    if e164 in SHIPPED_DEFAULTS:
        return Placeholder(f"{e164} is the number this line ships with, {SHIPPED_DEFAULTS[e164]}", fix)
    return None
