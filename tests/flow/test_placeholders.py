"""Placeholder numbers (issue 14, item 7): Ofcom's drama ranges and the shipped defaults never go live."""

from __future__ import annotations

import pytest

from ivr.cli import check_problems, main
from ivr.flow import read_flow
from ivr.flow.placeholders import DRAMA_RANGES, SHIPPED_DEFAULTS, placeholder

from ..conftest import ROOT
from ..helpers.shipped import shipped_copy

SWITCHBOARD = "put the local police force's non-emergency switchboard number in e164"


@pytest.mark.parametrize("prefix", sorted(DRAMA_RANGES))
def test_every_drama_number_is_a_placeholder_and_its_neighbours_are_not(prefix):
    for last in ("000", "500", "999"):
        found = placeholder("police", prefix + last)
        assert found is not None and "Ofcom's drama range" in found.why
        assert SWITCHBOARD in found.fix
    assert placeholder("police", prefix + "0000") is None  # a digit longer: another number
    assert placeholder("police", prefix[:-1] + str((int(prefix[-1]) + 1) % 10) + "000") is None


@pytest.mark.parametrize(
    ("national", "e164"),
    [
        ("01632 960000", "+441632960000"),
        ("020 7946 0999", "+442079460999"),
        ("0113 496 0123", "+441134960123"),
        ("0161 496 0000", "+441614960000"),
        ("0191 498 0500", "+441914980500"),
        ("028 9649 6000", "+442896496000"),
        ("028 9649 6999", "+442896496999"),
        ("029 2018 0000", "+442920180000"),
        ("07700 900000", "+447700900000"),
        ("07700 900999", "+447700900999"),
        ("08081 570000", "+448081570000"),
        ("0909 879 0999", "+449098790999"),
        ("03069 990000", "+443069990000"),
    ],
)
def test_ofcoms_published_drama_numbers_are_placeholders(national, e164):
    assert placeholder("helpline", e164) is not None, national


@pytest.mark.parametrize("e164", ["+443000606699", "+442079461000", "+441632961000", "+447700901000", "+442890181000"])
def test_real_looking_numbers_outside_the_ranges_are_not(e164):
    assert placeholder("helpline", e164) is None


def test_every_number_flows_yaml_ships_with_is_a_placeholder():
    """If the shipped numbers change, SHIPPED_DEFAULTS must follow, or a copied default could go live."""
    flow, _, _ = read_flow(ROOT / "flows.yaml", ROOT / "prompts")
    shipped = {name: number.e164 for name, number in flow.settings.numbers.items()}
    assert shipped and all(placeholder(name, e164) is not None for name, e164 in shipped.items())
    assert set(SHIPPED_DEFAULTS) <= set(shipped.values())


def test_the_shipped_tree_warns_once_per_placeholder_and_still_serves():
    """`ivr check` (which `ivr serve` applies) lets the shipped tree run for trying the line."""
    flow, problems = check_problems(str(ROOT / "flows.yaml"), str(ROOT / "prompts"))
    assert [str(p) for p in problems if p.severity == "error"] == []
    numbers = [p for p in problems if p.message.startswith("number ")]
    assert [p.message.split()[1] for p in numbers] == ["helpline", "police"]  # one message each, not two
    police = numbers[1].message
    assert "is a placeholder: +442079460101 is in Ofcom's drama range 020 7946 0000 to 0999 (London)" in police
    assert SWITCHBOARD in police
    assert "NOMS became HM Prison and Probation Service" in numbers[0].message


def test_a_placeholder_marked_verified_is_an_error_at_its_e164_line(runner, tmp_path):
    path = shipped_copy(tmp_path, ("status: verify before going live", "status: verified"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    lines = path.read_text().splitlines()
    police_line = next(n for n, text in enumerate(lines, 1) if '"+442079460101"' in text)
    helpline_line = next(n for n, text in enumerate(lines, 1) if '"+448457585112"' in text)
    errors = result.stderr.splitlines()
    assert errors[0] == (
        f"{path}:{helpline_line}: number helpline is marked verified, but +448457585112 is the number this line ships "
        "with, the National Offender Management Service victim helpline copied from the archived GOV.UK page (NOMS "
        "became HM Prison and Probation Service in 2017); put the victims' helpline's current number in e164, ring "
        "it yourself, then mark it verified"
    )
    assert errors[1].startswith(f"{path}:{police_line}: number police is marked verified, but +442079460101 is in")
    assert SWITCHBOARD in errors[1]
    assert errors[2] == "2 error(s): the line will not start until they are fixed."


def test_a_drama_mobile_is_one_placeholder_message_not_also_invalid(tmp_path):
    """phonenumbers calls 07700 900xxx invalid; the caller's-eye reason is that it is a drama number."""
    path = shipped_copy(tmp_path, ('e164: "+442079460101"', 'e164: "+447700900123"'))
    _, problems = check_problems(str(path))
    police = [p for p in problems if p.message.startswith("number police")]
    assert len(police) == 1 and police[0].severity == "warning"
    assert "Ofcom's drama range 07700 900000 to 900999 (mobiles)" in police[0].message
