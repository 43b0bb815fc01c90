"""Real calls through the signed webhooks and the status callback, then the report's exact counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from ivr import dryrun
from ivr.reports.models import JourneyDaily, JourneyEvent
from tests.callbacks.test_journey import to_booking
from tests.conftest import OPEN, PUBLIC_URL, Caller, sign

from .conftest import report

DAY = OPEN.date()
MOBILE = "+447911123456"


def sid(n: int) -> str:
    return "CA" + f"{n:032x}"


def hang_up(caller, status="completed"):
    """Twilio's status callback at the end of the call."""
    return caller.post("/voice/status", CallStatus=status, CallDuration="42")


def guidance_hang_up(client):
    """Chooses English, hangs up while the keys introduction is read."""
    caller = Caller(client, call_sid=sid(1))
    caller.ring()
    caller.press("1")
    hang_up(caller)


def struggles_at_main(client):
    """A wrong key, two silences and more time at the main menu, then hangs up."""
    caller = Caller(client, call_sid=sid(2))
    caller.to_main_menu()
    assert "not one of the choices" in caller.press("7").text or caller.answer.gather is not None
    caller.silence()
    caller.silence()
    caller.press("9")
    hang_up(caller)


def busy_helpline(client):
    caller = Caller(client, call_sid=sid(3))
    caller.to_main_menu()
    caller.press("0")
    assert caller.answer.find("Dial") is not None
    caller.dial_ends("busy")
    hang_up(caller)


def welsh_booking(client):
    caller = Caller(client, from_number=MOBILE, call_sid=sid(4))
    to_booking(caller, "2")
    for key in "1211":  # own number, afternoon, no voicemail, say who is calling
        caller.press(key)
    hang_up(caller)


def police_completed(client):
    caller = Caller(client, call_sid=sid(5))
    caller.to_main_menu()
    caller.press("3")  # release
    caller.press("1")  # skip to its menu
    caller.press("1")  # the police
    caller.dial_ends("completed")
    hang_up(caller)


def greeting_hang_up(client):
    caller = Caller(client, call_sid=sid(6))
    caller.ring()
    hang_up(caller, "canceled")


CALLS = (guidance_hang_up, struggles_at_main, busy_helpline, welsh_booking, police_completed, greeting_hang_up)


@pytest.fixture
def six_calls(client):
    for call in CALLS:
        call(client)


def test_the_report_counts_every_call_exactly(app, six_calls):
    figures = report(app, DAY)
    assert figures["from"] == figures["to"] == "2026-11-25"
    assert figures["calls"] == 6
    assert figures["languages"] == {"en-GB": 5, "cy-GB": 1}
    assert figures["outcomes"] == {
        "callback_booked": 1,
        "transferred": 1,
        "goodbye": 0,
        "hung_up": 4,
        "silence_limit": 0,
        "no_end_seen": 0,
        "gave_up": 4,
    }
    assert figures["transfers"]["helpline"] == {"completed": 0, "busy": 1, "no-answer": 0, "failed": 0}
    assert figures["transfers"]["police"] == {"completed": 1, "busy": 0, "no-answer": 0, "failed": 0}
    assert figures["callbacks"] == {"booked": 1, "refused": 0, "limited": 0, "failed": 0}
    assert figures["more_time"] == 1
    nodes = figures["nodes"]
    assert list(nodes)[:3] == ["welcome", "keys_intro", "main"]  # call-tree order
    assert nodes["welcome"] == {"entered": 6, "left": 1, "silence": 0, "wrong_key": 0, "gave_up": 1}
    assert nodes["keys_intro"] == {"entered": 5, "left": 1, "silence": 0, "wrong_key": 0, "gave_up": 1}
    assert nodes["main"] == {"entered": 4, "left": 1, "silence": 2, "wrong_key": 1, "gave_up": 1}
    assert nodes["helpline_transfer"] == {"entered": 1, "left": 0, "silence": 0, "wrong_key": 0, "gave_up": 0}
    assert nodes["helpline_unavailable"] == {"entered": 1, "left": 1, "silence": 0, "wrong_key": 0, "gave_up": 1}
    assert nodes["to_police"] == {"entered": 1, "left": 0, "silence": 0, "wrong_key": 0, "gave_up": 0}
    assert nodes["goodbye"] == {"entered": 1, "left": 1, "silence": 0, "wrong_key": 0, "gave_up": 0}
    assert nodes["protection_callback"] == {"entered": 1, "left": 1, "silence": 0, "wrong_key": 0, "gave_up": 0}
    assert nodes["release_menu"] == {"entered": 1, "left": 0, "silence": 0, "wrong_key": 0, "gave_up": 0}
    assert "to_helpline" not in nodes  # an opening-hours branch is never where a caller is
    assert sum(n["left"] for n in nodes.values()) == 6
    assert sum(n["gave_up"] for n in nodes.values()) == 4  # the police call ended put through, the booking booked
    assert figures["time_to_person"]["under_30s"] == 2  # the test clock stands still
    assert figures["days"] == {"2026-11-25": 6}


def test_rolled_up_days_report_the_same_as_their_events(app, six_calls):
    live = report(app, DAY)
    later = report(app, DAY, today=DAY + dt.timedelta(days=3))  # the day is rolled up first
    with app.extensions["ivr.db"].session() as session:
        assert session.scalar(select(JourneyDaily.count).where(JourneyDaily.kind == "calls")) == 6
    assert later == live
    assert report(app, DAY, today=DAY + dt.timedelta(days=4)) == live  # rolled once only


def test_the_raw_tables_hold_no_number_no_callsid_no_digits(app, six_calls):
    app.extensions["ivr.journey"].flush()
    report(app, DAY, today=DAY + dt.timedelta(days=3))
    with app.extensions["ivr.db"].session() as session:
        dump = " ".join(
            repr(tuple(row))
            for table in ("journey_events", "journey_daily", "journey_rolled")
            for row in session.execute(text(f"SELECT * FROM {table}"))
        )
        assert session.scalar(select(JourneyEvent.id).limit(1)) is not None
    # The keyed digests are hex: one may hold "1211" by chance (it did, for one instance secret), so the
    # keyed digits are looked for in everything else.
    beside_digests = re.sub(r"\b[0-9a-f]{32}\b", "<digest>", dump)
    for secret in ("7911123456", "7700900123", "441632960000", "CA0000", "1211", sid(4)[2:]):
        assert secret not in beside_digests
    for n in range(1, 7):
        assert sid(n) not in dump and sid(n).lower()[2:] not in dump


def test_ivr_report_json_prints_the_same_exact_figures(app, six_calls, runner, monkeypatch):
    from ivr.cli import main

    expected = report(app, DAY)
    for name in ("IVR_DATABASE_URL", "IVR_FLOW", "IVR_PROMPTS"):
        monkeypatch.setenv(name, app.config[name])
    result = runner.invoke(main, ["report", "--json", "--since", "2026-11-25", "--until", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected
    empty = runner.invoke(main, ["report", "--json", "--since", "2026-11-26", "--until", "2026-11-27"])
    assert json.loads(empty.output)["calls"] == 0 and json.loads(empty.output)["from"] == "2026-11-26"
    backwards = runner.invoke(main, ["report", "--json", "--since", "2026-11-27", "--until", "2026-11-26"])
    assert backwards.exit_code == 2
    table = runner.invoke(main, ["report", "--since", "2026-11-25", "--until", "2026-11-25"])
    assert table.exit_code == 0 and "6 call(s)" in table.output and "main" in table.output


def test_silences_and_wrong_keys_at_a_menu_are_counted_apart_until_a_person(app, client):
    caller = Caller(client, call_sid=sid(7))
    caller.to_main_menu()
    for _ in range(3):  # the third silence goes to a person
        caller.silence()
    assert caller.answer.find("Dial") is not None
    caller.dial_ends("no-answer")
    for key in "776":  # at the 'not available' menu: three keys that are not choices
        caller.press(key)
    hang_up(caller)
    nodes = report(app, DAY)["nodes"]
    assert nodes["main"]["silence"] == 3 and nodes["main"]["wrong_key"] == 0
    assert nodes["helpline_unavailable"]["wrong_key"] == 3
    assert report(app, DAY)["transfers"]["helpline"]["no-answer"] == 1


def test_a_call_with_no_status_callback_yet_has_no_end_seen(app, client):
    Caller(client, call_sid=sid(8)).to_main_menu()
    figures = report(app, DAY)
    assert figures["outcomes"]["no_end_seen"] == 1 and figures["nodes"]["main"]["left"] == 0


def test_a_dry_run_records_nothing(app, client):
    dry = dryrun.DryRun(line=app.extensions["ivr.line"](), now=OPEN)
    params = {"CallSid": sid(9), "From": MOBILE, "To": "+441632960000"}
    response = client.post(
        "/voice",
        data=params,
        headers={"X-Twilio-Signature": sign(PUBLIC_URL + "/voice", params)},
        environ_overrides={dryrun.ENVIRON_KEY: dry},
    )
    assert response.status_code == 200 and b"<Gather" in response.data
    assert report(app, DAY)["calls"] == 0


def dropped() -> float:
    return REGISTRY.get_sample_value("ivr_journey_events_dropped_total") or 0.0


def test_a_database_fault_drops_events_never_the_call(app, client):
    with app.extensions["ivr.db"].session() as session:
        session.execute(text("DROP TABLE journey_events"))
    before = dropped()
    caller = Caller(client, call_sid=sid(10))
    answer = caller.to_main_menu()
    assert answer.status == 200 and answer.gather is not None  # the caller hears the main menu
    app.extensions["ivr.journey"].flush()
    # Rows, each counted: started (with the move to the greeting), the greeting's move on, the key for English,
    # the language (with the move to the main menu).
    assert dropped() - before == 4
    metrics = client.get("/metrics").data.decode()
    assert "ivr_journey_events_dropped_total" in metrics
