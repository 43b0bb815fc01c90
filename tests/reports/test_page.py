"""The Reports page: managers and admins only, small numbers held back, SVG with a table, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from markupsafe import escape

from ivr.staff import words
from tests.conftest import Caller

from ..helpers.pages import sign_in

PERIOD = {"from": "2026-11-25", "to": "2026-11-25"}


def ring(client, count: int, start: int = 0):
    """`count` calls that choose English, reach the main menu and hang up there."""
    for n in range(start, start + count):
        caller = Caller(client, call_sid="CA" + f"{n:032x}")
        caller.to_main_menu()
        caller.silence()
        caller.post("/voice/status", CallStatus="completed")


@pytest.fixture
def manager(app, client, make_staff):
    sign_in(client, make_staff("manager@example.org", "manager"))
    return client


def page(client, app, **args):
    app.extensions["ivr.journey"].flush()
    response = client.get("/admin/reports", query_string={**PERIOD, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_manager_reads_reports_and_nothing_else(app, manager):
    ring(manager, 10)
    html = page(manager, app)
    assert "<strong>10</strong> calls" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ivr-chart" role="img"' in html
    assert '<title id="chart-days-title">Calls each day</title>' in html
    assert "Calls each day (the figures drawn above)" in html  # each chart has its table
    assert 'href="/admin/reports"' in manager.get("/admin/").get_data(as_text=True)
    assert manager.get("/admin/prompts").status_code == 403
    assert manager.get("/admin/queue").status_code == 403


def test_editors_may_not_and_admins_may(app, client, make_staff):
    sign_in(client, make_staff("editor@example.org", "editor"))
    assert client.get("/admin/reports").status_code == 403
    assert client.get("/admin/reports.csv").status_code == 403
    assert "/admin/reports" not in client.get("/admin/").get_data(as_text=True)
    client.get("/admin/logout")
    client.post("/admin/logout")
    other = app.test_client()
    sign_in(other, make_staff("admin@example.org", "admin"))
    assert other.get("/admin/reports").status_code == 200


def test_counts_under_the_threshold_are_held_back_and_the_threshold_shows(app, manager):
    ring(manager, 9)
    html = page(manager, app)
    assert "<strong>fewer than 10</strong> calls" in html
    assert ">9<" not in html and ">9 (" not in html  # no cell, no figure in a chart
    ring(manager, 1, start=9)
    html = page(manager, app)
    assert "<strong>10</strong> calls" in html


def test_one_small_cell_in_a_total_takes_the_next_smallest_with_it(app, manager):
    ring(manager, 12)
    welsh = Caller(manager, call_sid="CA" + "f" * 32)
    welsh.to_main_menu("2")
    html = page(manager, app)
    # 12 in English, 1 in Welsh, total 13: the Welsh count is held back, and so is English, saying why
    languages = html.split("Calls by language (the figures drawn above)")[1].split("</table>")[0]
    assert languages.count("fewer than 10") == 1 and ">13<" in languages
    assert languages.count("held back so a small number cannot be worked out") == 1


def main_label(app) -> str:
    """The main menu as the page names it: 'Main menu: "For help and support after the..."'."""
    return words.node_label(app.extensions["ivr.line"]().flow, "main")


def test_the_struggling_menu_is_named_in_words(app, manager):
    ring(manager, 10)  # each went silent once at the main menu
    html = page(manager, app)
    # Named by where it is and the words callers hear there, not by its id in flows.yaml.
    assert (
        "<strong>Main menu: &#34;For help and support after the...&#34;</strong>: Callers struggle here: about 100"
        in html
    )


def test_the_csv_has_the_same_tables_and_suppression(app, manager):
    ring(manager, 9)
    app.extensions["ivr.journey"].flush()
    response = manager.get("/admin/reports.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["table", "row", "count"]
    assert ["Calls each day", "Wednesday 25 November 2026", "fewer than 10"] in rows
    assert [
        "Journey through the call tree",
        'Main menu: "For help and support after the...": silence',
        "fewer than 10",
    ] in rows
    assert not any(row[2] == "9" for row in rows)


def test_a_lower_threshold_shows_small_counts(app, manager):
    app.config["IVR_REPORT_MIN_COUNT"] = 3
    ring(manager, 3)
    assert "<strong>3</strong> calls" in page(manager, app)


def test_one_node_before_and_after_a_publish(app, manager):
    ring(manager, 2)
    html = page(manager, app, node="main")
    assert f"{escape(main_label(app))}, by published version of the words" in html
    assert "Shipped words" in html


def test_a_bad_date_is_explained_and_shown_alone(app, manager):
    ring(manager, 10)
    html = page(manager, app, **{"from": "yesterday"})
    assert "Enter the first day as day, month and year, for example 24/12/2026" in html
    assert 'value="yesterday"' in html  # what was typed, to correct
    # no figures of another period beside the error
    assert "calls." not in html and "<svg" not in html and "Where callers give up" not in html
    backwards = page(manager, app, **{"from": "26/11/2026", "to": "25/11/2026"})
    assert "The first day must be on or before the last day" in backwards and "<svg" not in backwards
    assert manager.get("/admin/reports.csv", query_string={"from": "yesterday"}).status_code == 400


def test_days_are_typed_and_shown_as_on_the_calendar_page(app, manager):
    ring(manager, 10)
    html = page(manager, app, **{"from": "25/11/2026", "to": "25/11/2026"})
    assert 'id="from" name="from" type="text" inputmode="numeric" value="25/11/2026"' in html
    assert "For example, 24/12/2026" in html
    assert "From Wednesday 25 November 2026 to Wednesday 25 November 2026: <strong>10</strong> calls" in html
    assert page(manager, app, **PERIOD) == html  # the same day typed the other way (old links keep working)


@pytest.mark.parametrize(
    "args, field, message",
    [
        ({"to": "9999-12-31"}, "to", "Enter a last day from 25/11/2016 to 25/11/2026"),
        ({"from": "0001-01-01"}, "from", "Enter a first day from 25/11/2016 to 25/11/2026"),
        ({"from": "0001-01-01", "to": "0001-01-01"}, "to", "Enter a last day from 25/11/2016 to 25/11/2026"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "from", "Enter a first day from 25/11/2016 to 25/11/2026"),
        ({"from": "2026-11-26", "to": "2026-11-26"}, "to", "Enter a last day from 25/11/2016 to 25/11/2026"),
    ],
)
def test_a_day_outside_the_lines_data_is_refused_at_its_field(app, manager, args, field, message):
    """Extreme dates (0001-01-01, 9999-12-31) once overflowed into a 500 (issue 22 item 4); now the field says why."""
    query = {"from": "2026-11-25", "to": "2026-11-25", **args}
    response = manager.get("/admin/reports", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        f'<p class="govuk-error-message" id="{field}-error"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
        in html
    )
    csv_response = manager.get("/admin/reports.csv", query_string=query)
    assert csv_response.status_code == 400
    assert message in csv_response.get_data(as_text=True)
