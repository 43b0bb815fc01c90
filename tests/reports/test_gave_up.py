"""Where callers give up, and how calls end: `outcomes.gave_up`, `outcomes.silence_limit`, each node's `gave_up`,
and `silence` only where a choice was asked for. Real calls through the signed webhooks and the status callback."""

from __future__ import annotations

import datetime as dt

from tests.callbacks.test_journey import to_booking
from tests.conftest import OPEN, Caller

from .conftest import report

DAY = OPEN.date()
MOBILE = "+447911123456"
OLD_NODE_KEYS = {"entered", "left", "silence", "wrong_key"}
OLD_OUTCOMES = {"callback_booked", "transferred", "goodbye", "hung_up", "no_end_seen"}


def sid(n: int) -> str:
    return "CA" + f"{n:032x}"


def ended(caller, status="completed"):
    return caller.post("/voice/status", CallStatus=status, CallDuration="42")


def test_a_caller_who_hangs_up_in_guidance_gave_up_there(app, client):
    caller = Caller(client, call_sid=sid(1))
    caller.to_main_menu()
    caller.press("1")  # the help guidance
    ended(caller)
    figures = report(app, DAY)
    assert figures["outcomes"]["gave_up"] == 1 and figures["outcomes"]["hung_up"] == 1
    assert figures["outcomes"]["silence_limit"] == 0
    assert figures["nodes"]["help"]["gave_up"] == 1 and figures["nodes"]["help"]["left"] == 1
    assert sum(node["gave_up"] for node in figures["nodes"].values()) == 1


def test_a_finished_booking_left_there_but_did_not_give_up(app, client):
    caller = Caller(client, from_number=MOBILE, call_sid=sid(2))
    to_booking(caller)
    for key in "121":  # own number, afternoon, no voicemail; then say who is calling
        caller.press(key)
    caller.press("1")
    assert "Your callback is booked" in caller.answer.text
    ended(caller)
    figures = report(app, DAY)
    node = figures["nodes"]["protection_callback"]
    assert node["left"] == 1 and node["gave_up"] == 0
    assert figures["outcomes"]["callback_booked"] == 1 and figures["outcomes"]["gave_up"] == 0


def test_goodbye_and_a_transfer_are_endings_not_giving_up(app, client):
    caller = Caller(client, call_sid=sid(3))
    caller.to_main_menu()
    caller.press("0")
    caller.dial_ends("completed")
    ended(caller)
    figures = report(app, DAY)
    assert figures["outcomes"]["transferred"] == 1 and figures["outcomes"]["gave_up"] == 0
    assert all(node["gave_up"] == 0 for node in figures["nodes"].values())


def test_silence_while_guidance_plays_on_is_not_a_silence(app, client):
    caller = Caller(client, from_number=MOBILE, call_sid=sid(4))
    caller.ring()
    caller.press("1")
    caller.silence()  # the keys introduction plays through to the main menu
    caller.press("4")
    caller.silence()  # the protection guidance plays through to its menu
    caller.press("1")
    caller.silence()  # what a liaison officer does plays through to the first question
    for key in "1211":
        caller.press(key)  # booked
    caller.silence()  # the reference and what happens next are read; the caller listens to the end
    ended(caller)
    nodes = report(app, DAY)["nodes"]
    assert all(node["silence"] == 0 for node in nodes.values()), {k: v for k, v in nodes.items() if v["silence"]}


def test_a_timeout_where_a_choice_was_asked_for_is_a_silence(app, client):
    caller = Caller(client, from_number=MOBILE, call_sid=sid(5))
    caller.to_main_menu()
    caller.silence()  # the main menu's choices
    caller.press("4")
    caller.press("1")  # skip to the protection menu
    caller.press("1")
    caller.follow()  # the first booking question
    caller.silence()
    ended(caller)
    nodes = report(app, DAY)["nodes"]
    assert nodes["main"]["silence"] == 1 and nodes["protection_callback"]["silence"] == 1
    assert nodes["protection_callback"]["gave_up"] == 1  # hung up during the booking's questions


def test_a_call_ended_by_the_silence_rule_has_its_own_outcome(app, client, clock):
    caller = Caller(client, call_sid=sid(6))
    caller.to_main_menu()
    caller.silence()
    clock.now = OPEN + dt.timedelta(minutes=5, seconds=1)
    answer = caller.silence()
    assert answer.find("Hangup") is not None and "0845 758 5112" in answer.text
    ended(caller)
    figures = report(app, DAY)
    assert figures["outcomes"]["silence_limit"] == 1
    assert figures["outcomes"]["hung_up"] == figures["outcomes"]["gave_up"] == 0
    assert figures["nodes"]["main"]["silence"] == 2  # both were timeouts at a menu
    assert figures["nodes"]["main"]["gave_up"] == 0 and figures["nodes"]["main"]["left"] == 1


def test_every_key_is_kept_and_the_new_ones_added(app, client):
    Caller(client, call_sid=sid(7)).to_main_menu()
    figures = report(app, DAY)
    assert set(figures["outcomes"]) == OLD_OUTCOMES | {"gave_up", "silence_limit"}
    assert all(set(node) == OLD_NODE_KEYS | {"gave_up"} for node in figures["nodes"].values())
    for key in ("from", "to", "calls", "languages", "transfers", "callbacks", "more_time", "time_to_person", "days"):
        assert key in figures
    # the endings add up to the calls (gave_up is hung_up's plainer name, the same calls)
    assert sum(v for k, v in figures["outcomes"].items() if k != "gave_up") == figures["calls"]


def test_the_table_without_json_has_a_gave_up_column(app, client, runner, monkeypatch):
    from ivr.cli import main

    test_a_caller_who_hangs_up_in_guidance_gave_up_there(app, client)
    for name in ("IVR_DATABASE_URL", "IVR_FLOW", "IVR_PROMPTS"):
        monkeypatch.setenv(name, app.config[name])
    result = runner.invoke(main, ["report", "--since", "2026-11-25", "--until", "2026-11-25"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "gave_up 1" in lines[2] and "silence_limit 0" in lines[2]  # the outcomes line
    header = next(line for line in lines if line.startswith("node"))
    assert header.split()[:5] == ["node", "entered", "left", "gave", "up"]
    help_row = next(line for line in lines if line.startswith("help "))
    assert help_row.split() == ["help", "1", "1", "1", "0", "0"]


def test_rolled_up_days_keep_the_new_figures(app, client, clock):
    test_a_call_ended_by_the_silence_rule_has_its_own_outcome(app, client, clock)
    caller = Caller(client, call_sid=sid(8))
    caller.to_main_menu()
    caller.press("1")
    ended(caller)
    live = report(app, DAY)
    assert report(app, DAY, today=DAY + dt.timedelta(days=3)) == live


def test_a_day_rolled_by_the_old_rules_is_rolled_again_while_its_events_are_kept(app, client):
    from sqlalchemy import delete, insert

    from ivr.reports import summary
    from ivr.reports.models import JourneyDaily, JourneyEvent

    test_silence_while_guidance_plays_on_is_not_a_silence(app, client)  # a booking, then silence at its end
    test_a_caller_who_hangs_up_in_guidance_gave_up_there(app, client)
    live = report(app, DAY)
    assert report(app, DAY, today=DAY + dt.timedelta(days=3)) == live  # rolled up by these rules
    db = app.extensions["ivr.db"]

    def as_the_old_rules_rolled_it():
        with db.session() as session:
            session.execute(delete(JourneyDaily).where(JourneyDaily.kind.in_(("rules", "gave_up"))))
            session.execute(
                insert(JourneyDaily).values(
                    day=DAY, version=0, kind="silence", node="protection_callback", detail="", count=1
                )
            )

    def a_new_process():
        summary._REROLLED.clear()  # days are looked at again once a process: as after the upgrade's restart

    as_the_old_rules_rolled_it()
    assert report(app, DAY, today=DAY + dt.timedelta(days=4))["nodes"]["help"]["gave_up"] == 0  # not yet
    a_new_process()
    assert report(app, DAY, today=DAY + dt.timedelta(days=4)) == live  # rolled again: the events are kept
    # Once the events are gone, a day keeps the totals it was rolled with (no gave_up by node; the old silences).
    with db.session() as session:
        session.execute(delete(JourneyEvent))
    as_the_old_rules_rolled_it()
    a_new_process()
    old = report(app, DAY, today=DAY + dt.timedelta(days=5))
    assert old["nodes"]["help"]["gave_up"] == 0 and old["nodes"]["protection_callback"]["silence"] == 1
    assert old["outcomes"] == live["outcomes"] and old["calls"] == live["calls"] == 2
