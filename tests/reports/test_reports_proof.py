"""The proof: 30 calls of known journeys through the signed webhooks and the status callback, then every figure
the Reports page, its CSV and `ivr report --json` give for them.

The journeys (all on Wednesday 25 November 2026, the helpline open):
  8  choose English, open the help guidance, hang up there (gave up in the guidance)
  6  from a mobile: let the keys introduction and the protection guidance play through in silence, ask for a
     callback, let what an officer does play through, book it, listen in silence to the reference, hang up
  4  ask for a person, the helpline is busy, hang up at the menu that says so
  3  ask for a person and are put through
  3  stay silent at the main menu for over 5 minutes: the line ends the call (the silence rule)
  2  in Welsh: open the release guidance, ask to hear it again, press * to hear the menu again, hang up
  2  press 7 twice at the main menu (not a choice) and hang up
  1  reaches the main menu; no status callback yet
  1  hangs up during the greeting
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from html.parser import HTMLParser

import pytest
from cryptography.fernet import Fernet

from ivr.reports.report import as_json, collect
from ivr.staff import words
from tests.conftest import OPEN, Caller

from ..helpers.pages import sign_in

DAY = OPEN.date()
MOBILE = "+447911123456"
MINIMUM = 3  # so most figures show and the few small ones are held back
HELD = "held back so a small number cannot be worked out"
SMALL = f"fewer than {MINIMUM}"


@pytest.fixture
def app_config(app_config):
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    app_config["IVR_REPORT_MIN_COUNT"] = MINIMUM
    return app_config


class Calls:
    def __init__(self, client, clock):
        self.client, self.clock, self.n = client, clock, 0

    def caller(self, **kwargs) -> Caller:
        self.n += 1
        return Caller(self.client, call_sid="CA" + f"{self.n:032x}", **kwargs)

    @staticmethod
    def ended(caller, status="completed"):
        caller.post("/voice/status", CallStatus=status, CallDuration="42")

    def gives_up_in_help(self):
        caller = self.caller()
        caller.to_main_menu()
        assert caller.press("1").gather.get("action").split("?")[0].endswith("/voice/input/help")
        self.ended(caller)

    def books_a_callback(self):
        caller = self.caller(from_number=f"{MOBILE[:-2]}{self.n:02d}")  # a number of its own: a daily limit each
        caller.ring()
        caller.press("1")
        caller.silence()  # the keys introduction plays through
        caller.press("4")
        assert "/voice/input/protection_menu" in caller.silence().gather.get("action")  # the guidance played on
        caller.press("1")
        assert "/callback/protection_callback/own" in caller.silence().gather.get("action")  # the intro played on
        for key in "1211":
            caller.press(key)
        assert "Your callback is booked" in caller.answer.text
        caller.silence()  # listens to the end
        self.ended(caller)

    def helpline_busy(self):
        caller = self.caller()
        caller.to_main_menu()
        caller.press("0")
        caller.dial_ends("busy")
        self.ended(caller)

    def put_through(self):
        caller = self.caller()
        caller.to_main_menu()
        caller.press("0")
        caller.dial_ends("completed")
        self.ended(caller)

    def silence_limit(self):
        caller = self.caller()
        caller.to_main_menu()
        caller.silence()
        self.clock.now = OPEN + dt.timedelta(minutes=5, seconds=1)
        assert caller.silence().find("Hangup") is not None
        self.clock.now = OPEN
        self.ended(caller)

    def welsh_hears_again(self):
        caller = self.caller()
        caller.to_main_menu("2")
        caller.press("3")  # the release guidance
        caller.silence()  # plays through to its menu
        caller.press("2")  # hear it again
        caller.silence()
        caller.press("*")  # the menu again
        self.ended(caller)

    def wrong_keys(self):
        caller = self.caller()
        caller.to_main_menu()
        caller.press("7")
        caller.press("7")
        self.ended(caller)

    def no_end_yet(self):
        self.caller().to_main_menu()

    def greeting_hang_up(self):
        caller = self.caller()
        caller.ring()
        self.ended(caller, "canceled")


@pytest.fixture
def thirty_calls(app, client, clock):
    calls = Calls(client, clock)
    for journey, times in (
        (calls.gives_up_in_help, 8),
        (calls.books_a_callback, 6),
        (calls.helpline_busy, 4),
        (calls.put_through, 3),
        (calls.silence_limit, 3),
        (calls.welsh_hears_again, 2),
        (calls.wrong_keys, 2),
        (calls.no_end_yet, 1),
        (calls.greeting_hang_up, 1),
    ):
        for _ in range(times):
            journey()
    assert calls.n == 30
    app.extensions["ivr.journey"].flush()


def node(entered=0, left=0, silence=0, wrong_key=0, gave_up=0):
    return {"entered": entered, "left": left, "silence": silence, "wrong_key": wrong_key, "gave_up": gave_up}


EXPECTED_NODES = {
    "welcome": node(30, 1, gave_up=1),
    "keys_intro": node(29),
    "main": node(29, 5, silence=6, wrong_key=4, gave_up=2),
    "help": node(8, 8, gave_up=8),
    "release": node(4),
    "release_menu": node(4, 2, gave_up=2),
    "protection": node(6),
    "protection_menu": node(6),
    "protection_callback": node(6, 6),
    "helpline_transfer": node(7),
    "helpline_unavailable": node(4, 4, gave_up=4),
    "goodbye": node(3, 3),
}


def figures_of(app, runner, monkeypatch) -> dict:
    from ivr.cli import main

    for name in ("IVR_DATABASE_URL", "IVR_FLOW", "IVR_PROMPTS"):
        monkeypatch.setenv(name, app.config[name])
    result = runner.invoke(main, ["report", "--json", "--since", "2026-11-25", "--until", "2026-11-25"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_json_counts_every_journey(app, thirty_calls, runner, monkeypatch):
    figures = figures_of(app, runner, monkeypatch)
    assert figures["calls"] == 30
    assert figures["languages"] == {"en-GB": 28, "cy-GB": 2}
    assert figures["outcomes"] == {
        "callback_booked": 6,
        "transferred": 3,
        "goodbye": 0,
        "hung_up": 17,
        "silence_limit": 3,
        "no_end_seen": 1,
        "gave_up": 17,
    }
    assert figures["transfers"]["helpline"] == {"completed": 3, "busy": 4, "no-answer": 0, "failed": 0}
    assert figures["callbacks"] == {"booked": 6, "refused": 0, "limited": 0, "failed": 0}
    assert figures["more_time"] == 0
    assert figures["time_to_person"]["under_30s"] == 7
    assert figures["days"] == {"2026-11-25": 30}
    nodes = figures["nodes"]
    for node_id, expected in EXPECTED_NODES.items():
        assert nodes[node_id] == expected, node_id
    assert all(nodes[n] == node() for n in nodes if n not in EXPECTED_NODES)
    assert sum(n["gave_up"] for n in nodes.values()) == figures["outcomes"]["gave_up"]
    # rolled up two days on, the same
    line = app.extensions["ivr.line"]()
    rolled = as_json(line.flow, collect(app.extensions["ivr.db"], DAY, DAY, DAY + dt.timedelta(days=3)))
    assert rolled == figures


class Tables(HTMLParser):
    """Each <table> of a page by its caption: its body rows as lists of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = self._row = None
        self._in_caption = self._in_head = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self.tables[self._caption.strip()] = []
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._caption is not None and self._row and not all(c == "" for c in self._row):
                self.tables[self._caption.strip()].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


@pytest.fixture
def manager(app, client, make_staff):
    sign_in(client, make_staff("manager@example.org", "manager"))
    return client


def page(client, **period):
    response = client.get("/admin/reports", query_string=period or {"from": "25/11/2026", "to": "25/11/2026"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def name(app, node_id: str) -> str:
    return words.node_label(app.extensions["ivr.line"]().flow, node_id)


def test_the_page_says_where_callers_give_up(app, thirty_calls, manager):
    html = page(manager)
    tables = Tables(html).tables
    assert "<strong>30</strong> calls" in html
    give_up = tables["Where callers give up (callers who reached each point, and who hung up there)"]
    assert give_up[0] == [name(app, "welcome"), "30", SMALL, "-"]
    rows = {row[0]: row[1:] for row in give_up}
    assert rows[name(app, "help")] == ["8", "8", "100%"]
    assert rows[name(app, "helpline_unavailable")] == ["4", "4", "100%"]
    assert rows[name(app, "main")] == ["29", SMALL, "-"]
    assert rows[name(app, "release_menu")] == [SMALL, SMALL, "-"]  # two Welsh callers
    assert rows[name(app, "protection_callback")] == ["6", "0", "0%"]  # six finished bookings: none gave up
    assert rows[name(app, "goodbye")] == ["3", "0", "0%"]
    assert name(app, "help_menu") not in rows  # nobody reached it
    assert (
        "Most callers who give up do so at the help guidance: 8 of 8 who reached it; "
        "then the helpline unavailable menu: 4 of 4 who reached it; "
        "then the main menu: fewer than 3 of 29 who reached it."
    ) in " ".join(html.split())
    endings = tables["How calls ended (the figures drawn above)"]
    assert endings == [
        ["Booked a callback", "6"],
        ["Put through to a person", HELD],
        ["Heard what they needed and the line said goodbye", "0"],
        ["Gave up: hung up before any ending", "17"],
        ["Ended by the line after 5 minutes of silence", "3"],
        ["Still in progress, or the end was not reported", SMALL],
        ["Total", "30"],
    ]
    transfers = tables["Transfers, by where and how they ended (the figures drawn above)"]
    assert ["helpline: answered", "3"] in transfers and ["helpline: busy", "4"] in transfers
    languages = tables["Calls by language (the figures drawn above)"]
    assert languages == [["English", HELD], ["Welsh", SMALL], ["Total", "30"]]
    journey = {row[0]: row[1:] for row in tables["Each point of the call tree"]}
    # menu timeouts only: guidance played through in silence, and the booking's end listened to, are not silences
    assert journey[name(app, "protection_callback")][:3] == ["6", "6", "0 (0%)"]
    assert journey[name(app, "main")][:4] == ["29", "5", "6 (21%)", "4 (14%)"]
    struggle = html.split("Callers struggle here")[0]
    assert f"<strong>{name(app, 'main')}</strong>".replace('"', "&#34;") in html
    assert "asked to hear it again" in html and struggle
    flagged = [row[0] for row in tables["Each point of the call tree"] if row[-1] == "Yes"]
    assert flagged == [name(app, "main"), name(app, "release_menu")]


def test_the_csv_has_the_same_figures(app, thirty_calls, manager):
    response = manager.get("/admin/reports.csv", query_string={"from": "25/11/2026", "to": "25/11/2026"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["How calls ended", "Gave up: hung up before any ending", "17"] in rows
    assert ["How calls ended", "Ended by the line after 5 minutes of silence", "3"] in rows
    assert ["How calls ended", "Put through to a person", HELD] in rows
    assert ["Calls each day", "Wednesday 25 November 2026", "30"] in rows
    assert ["Where callers give up", f"{name(app, 'help')}: reached", "8"] in rows
    assert ["Where callers give up", f"{name(app, 'help')}: gave up", "8"] in rows
    assert ["Where callers give up", f"{name(app, 'main')}: gave up", SMALL] in rows
    assert ["Journey through the call tree", f"{name(app, 'protection_callback')}: silence", "0"] in rows
    assert not any(row[2] in ("1", "2") for row in rows)


def test_every_day_of_the_period_is_listed(app, thirty_calls, manager):
    tables = Tables(page(manager, **{"from": "22/11/2026", "to": "25/11/2026"})).tables  # today is the 25th
    assert tables["Calls each day (the figures drawn above)"] == [
        ["Sunday 22 November 2026", "0"],
        ["Monday 23 November 2026", "0"],
        ["Tuesday 24 November 2026", "0"],
        ["Wednesday 25 November 2026", "30"],
        ["Total", "30"],
    ]
