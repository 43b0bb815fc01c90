"""Pacing in IVR_SPEECH=say: a short SSML break between menu choices, words kept apart."""

from __future__ import annotations


def test_menu_choices_are_separated_by_short_breaks(caller):
    answer = caller.to_main_menu("1")
    say = next(s for s in answer.gather.iter("Say") if "press 1" in "".join(s.itertext()))
    breaks = say.findall("break")
    assert [b.get("time") for b in breaks] == ["300ms"] * 3  # four choices, a breath between each
    assert "press 1. If the offender has contacted you from prison" in " ".join("".join(say.itertext()).split())


def test_slow_speech_keeps_the_breaks_inside_the_slower_prosody(caller):
    caller.to_main_menu("1")
    answer = caller.press("9")  # more time and slower speech
    prosody = next(p for p in answer.gather.iter("prosody") if "press 1" in "".join(p.itertext()))
    assert prosody.get("rate") == "75%"
    assert len(prosody.findall("break")) == 3
