"""The answer of last resort: exported for Twilio's fallback URL, served at /voice/fallback,
and given on any fault, with the safety line, the helpline number and a transfer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ivr.cli import main

from .conftest import ROOT


def says(root) -> str:
    return " ".join("".join(s.itertext()) for s in root.iter("Say"))


def test_export_fallback_writes_the_safety_line_number_and_transfer(runner, tmp_path):
    out = tmp_path / "fallback.xml"
    result = runner.invoke(main, ["export-fallback", "-o", str(out), str(ROOT / "flows.yaml")])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_text())
    assert [e.tag for e in root] == ["Say", "Say", "Dial", "Say", "Say", "Hangup"]
    assert {s.get("language") for s in root.iter("Say")} == {"en-GB", "cy-GB"}
    assert "hang up and call 999" in says(root) and "ffoniwch 999" in says(root)
    assert "0845 758 5112" in says(root)
    assert root.find("Dial").text == "+448457585112"
    assert root.find("Dial").get("callerId") is None  # a static file has no call to take it from


def test_export_fallback_refuses_a_broken_flow(runner, tmp_path):
    broken = tmp_path / "flows.yaml"
    broken.write_text("settings: {}\nnodes: {}\n")
    result = runner.invoke(main, ["export-fallback", "-o", "-", str(broken)])
    assert result.exit_code == 1
    assert "ivr check" in result.output


def test_the_fixed_path_serves_the_same_answer(caller):
    answer = caller.post("/voice/fallback")
    assert answer.status == 200
    assert answer.find("Dial").text == "+448457585112"
    assert "0845 758 5112" in answer.text


def test_a_fault_shows_the_helpline_the_number_rung_not_the_callers(app, caller, monkeypatch):
    engine = app.extensions["ivr.line"]().engine

    def broken(*args, **kwargs):
        raise RuntimeError("a fault inside the line")

    monkeypatch.setattr(engine, "start", broken)
    answer = caller.ring()
    assert answer.status == 200
    dial = answer.find("Dial")
    assert dial.text == "+448457585112"
    assert dial.get("callerId") == caller.params["To"]
    assert caller.params["From"] not in answer.response.get_data(as_text=True)
