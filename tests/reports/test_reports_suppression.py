"""Small numbers on the Reports page and in its CSV: a true 1 to 9 says "fewer than 10"; a figure held back only
so that another cannot be worked out from the total says so, and never claims to be small."""

from __future__ import annotations

import csv
import io

import pytest

from ivr.reports import page as reportpage
from tests.conftest import Caller

from ..helpers.pages import sign_in
from .test_page import PERIOD, page, ring

SMALL = "fewer than 10"
HELD = "held back so a small number cannot be worked out"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([10, 0], ["10", "0"]),  # at the threshold: shown
        ([9, 0], [SMALL, "0"]),  # just under it: a true small number
        ([25, 1], [HELD, SMALL]),  # 26 - 25 would give the 1 away: 25 is held back, and says why
        ([20, 3, 3], ["20", SMALL, SMALL]),  # two small ones: the total gives neither away
        ([20, 12, 3], ["20", HELD, SMALL]),  # the next smallest is the one held back
        ([10, 9], [HELD, SMALL]),  # both at the edge of the threshold
    ],
)
def test_each_cell_says_why_it_is_not_shown(counts, expected):
    labelled = [(f"row {n}", count) for n, count in enumerate(counts)]
    data = reportpage.table("A table", labelled, 10)
    assert [cell.words(10) for _label, cell in data.rows] == expected
    assert data.total.words(10) == (SMALL if sum(counts) < 10 else f"{sum(counts):,}")
    assert data.svg.count(HELD) == expected.count(HELD) and data.svg.count(SMALL) == expected.count(SMALL)
    # no figure held back appears anywhere in the chart drawn from the table
    for count, words in zip(counts, expected, strict=True):
        if words in (SMALL, HELD):
            assert f">{count}<" not in data.svg


def test_without_a_total_nothing_is_held_back_for_another():
    data = reportpage.table("A table", [("a", 25), ("b", 1)], 10, with_total=False)
    assert [cell.words(10) for _label, cell in data.rows] == ["25", SMALL]


@pytest.fixture
def manager(app, client, make_staff):
    sign_in(client, make_staff("manager@example.org", "manager"))
    return client


def test_the_issue_s_languages_on_the_page_and_in_the_csv(app, manager):
    ring(manager, 12)  # English
    Caller(manager, call_sid="CA" + "f" * 32).to_main_menu("2")  # one in Welsh
    html = page(manager, app)
    languages = html.split("Calls by language (the figures drawn above)")[1].split("</table>")[0]
    assert f'English</th>\n        <td class="govuk-table__cell govuk-table__cell--numeric">{HELD}' in languages
    assert f'Welsh</th>\n        <td class="govuk-table__cell govuk-table__cell--numeric">{SMALL}' in languages
    assert ">13<" in languages
    # the page says what the two words mean
    assert f'"{HELD}"' in html
    rows = list(csv.reader(io.StringIO(manager.get("/admin/reports.csv", query_string=PERIOD).get_data(as_text=True))))
    assert ["Calls by language", "English", HELD] in rows
    assert ["Calls by language", "Welsh", SMALL] in rows
    assert ["Calls by language", "Total", "13"] in rows
