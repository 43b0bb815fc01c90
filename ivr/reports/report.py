"""The report: exact totals for a period, shaped for `ivr report --json` and the Reports page.

Finished days come from the daily rollups (a year is a few SQL sums); the days not
yet rolled up are added up from their events. Node ids are those of the call tree,
in the order a caller meets them; transfer names are those of settings.numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from ..flow import model
from .models import JourneyDaily, JourneyEvent, JourneyRolled
from .summary import DAY, OUTCOMES, TO_PERSON, events_between, last_rolled, roll_up, summarise

DIAL_COLUMNS = ("completed", "busy", "no-answer", "failed")
CALLBACK_RESULTS = ("booked", "refused", "limited", "failed")
NODE_FIELDS = ("entered", "left", "silence", "wrong_key", "gave_up")  # `ivr report --json`'s, per node
PAGE_FIELDS = ("more_time", "again", "reached")  # and the Reports page's besides


@dataclass
class Totals:
    """Sums for a period: by (version, kind, node, detail), and calls by day."""

    since: dt.date
    until: dt.date
    by_key: Counter = field(default_factory=Counter)
    per_day: Counter = field(default_factory=Counter)

    def get(self, kind: str, node: str = "", detail: str = "") -> int:
        return sum(c for (_v, k, n, d), c in self.by_key.items() if k == kind and n == node and d == detail)

    def by(self, kind: str) -> Counter:
        """{(node, detail): count} of one kind, every version together."""
        out: Counter = Counter()
        for (_v, k, n, d), c in self.by_key.items():
            if k == kind:
                out[(n, d)] += c
        return out


def _as_date(day) -> dt.date:
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))  # SQLite's CASE gives back text


def first_day(session) -> dt.date | None:
    """The first day anything is known about (rolled totals or events)."""
    days = [
        session.scalar(select(func.min(JourneyRolled.day))),
        session.scalar(select(func.min(JourneyEvent.day))),
    ]
    days = [d for d in days if d is not None]
    return min(days) if days else None


def collect(db, since: dt.date, until: dt.date, today: dt.date) -> Totals:
    """Roll up what is finished, then add up since..until (inclusive)."""
    roll_up(db, today)
    totals = Totals(since, until)
    with db.session() as session:
        last = last_rolled(session)
        if last is not None and since <= last:
            high = min(until, last)
            in_range = (JourneyDaily.day >= since, JourneyDaily.day <= high)
            # One scan of the days: the calls each day come grouped by their day, everything else summed over them.
            calls_day = case((JourneyDaily.kind == "calls", JourneyDaily.day))
            query = (
                select(
                    calls_day,
                    JourneyDaily.version,
                    JourneyDaily.kind,
                    JourneyDaily.node,
                    JourneyDaily.detail,
                    func.sum(JourneyDaily.count),
                )
                .where(*in_range)
                .group_by(calls_day, JourneyDaily.version, JourneyDaily.kind, JourneyDaily.node, JourneyDaily.detail)
            )
            for day, version, kind, node, detail, count in session.execute(query):
                totals.by_key[(version, kind, node, detail)] += int(count)
                if day is not None:
                    totals.per_day[_as_date(day)] += int(count)
        low = max(since, last + DAY) if last is not None else since
        if low <= until:
            for (day, version, kind, node, detail), count in summarise(
                events_between(session, low - DAY, until + DAY)
            ).items():
                if low <= day <= until:
                    totals.by_key[(version, kind, node, detail)] += count
                    if kind == "calls":
                        totals.per_day[day] += count
    return totals


def tree_order(flow: model.Flow) -> list[str]:
    """Node ids in the order a caller meets them: from the entry, then the person route, then the rest."""
    order: list[str] = []
    seen: set[str] = set()
    queue = deque([flow.settings.entry])
    while queue:
        node_id = queue.popleft()
        if node_id not in seen and node_id in flow.nodes:
            seen.add(node_id)
            order.append(node_id)
            queue.extend(flow.nodes[node_id].targets())
        if not queue and flow.settings.person_route not in seen:
            queue.append(flow.settings.person_route)  # key 0's route, after everything reached by choices
    return order + [n for n in flow.nodes if n not in seen]


def node_ids(flow: model.Flow, totals: Totals) -> list[str]:
    """The call tree's nodes callers can be at (not opening-hours branches), then any no longer in it."""
    ids = [n for n in tree_order(flow) if not isinstance(flow.nodes[n], model.HoursBranch)]
    known = set(ids)
    extra = sorted({n for (_v, k, n, _d) in totals.by_key if k in NODE_FIELDS and n and n not in known})
    return ids + extra


def node_counts(totals: Totals, node_id: str, version: int | None = None) -> dict[str, int]:
    out = dict.fromkeys(NODE_FIELDS + PAGE_FIELDS, 0)
    for (v, k, n, _d), c in totals.by_key.items():
        if n == node_id and k in out and (version is None or v == version):
            out[k] += c
    return out


def as_json(flow: model.Flow, totals: Totals) -> dict:
    """The operator's exact figures (the contract of `ivr report --json`)."""
    languages = dict.fromkeys(flow.settings.languages, 0)
    for (_node, code), count in totals.by("language").items():
        code = code or flow.settings.default_language  # rang off before choosing: the line's first language
        languages[code] = languages.get(code, 0) + count
    outcomes = dict.fromkeys(OUTCOMES, 0)
    for (_node, outcome), count in totals.by("outcome").items():
        outcomes[outcome] = outcomes.get(outcome, 0) + count
    # Hung up before any ending (not booked, put through, goodbye, nor ended by the silence rule): the same calls
    # under the plainer name the Reports page uses; hung_up keeps its old key.
    outcomes["gave_up"] = outcomes["hung_up"]
    transfers = {name: dict.fromkeys(DIAL_COLUMNS, 0) for name in flow.settings.numbers}
    for (_node, detail), count in totals.by("transfer").items():
        name, _, status = detail.partition("/")
        row = transfers.setdefault(name, dict.fromkeys(DIAL_COLUMNS, 0))
        row[status] = row.get(status, 0) + count
    callbacks = dict.fromkeys(CALLBACK_RESULTS, 0)
    for (_node, result), count in totals.by("callback").items():
        callbacks[result] = callbacks.get(result, 0) + count
    to_person = dict.fromkeys((band for _limit, band in TO_PERSON), 0)
    for (_node, band), count in totals.by("to_person").items():
        to_person[band] = to_person.get(band, 0) + count
    nodes = {}
    for node_id in node_ids(flow, totals):
        counts = node_counts(totals, node_id)
        nodes[node_id] = {name: counts[name] for name in NODE_FIELDS}
    return {
        "from": totals.since.isoformat(),
        "to": totals.until.isoformat(),
        "calls": totals.get("calls"),
        "languages": languages,
        "outcomes": outcomes,
        "transfers": transfers,
        "nodes": nodes,
        "callbacks": callbacks,
        "more_time": totals.get("more_time_calls"),
        "time_to_person": to_person,
        "days": {day.isoformat(): totals.per_day[day] for day in sorted(totals.per_day)},
    }


def versions(totals: Totals, node_id: str) -> dict[int, dict[str, int]]:
    """A node's counts for each published version it was entered under (to compare before and after)."""
    seen = sorted({v for (v, k, n, _d) in totals.by_key if n == node_id and k == "entered"})
    return {v: node_counts(totals, node_id, v) for v in seen}


def node_extras(totals: Totals) -> dict[str, dict[str, int]]:
    """{node id: {"more_time", "again", "reached"}} for the Reports page, in one pass over the totals.

    `reached` counts callers (a call once): its visits less those by a call that had been there before. Days
    rolled up before revisits were counted have none, so there a caller's every visit counts as reaching it."""
    out: dict[str, dict[str, int]] = {}
    for (_v, kind, node, _d), count in totals.by_key.items():
        if kind in ("more_time", "again", "entered", "revisited"):
            row = out.setdefault(node, dict.fromkeys(PAGE_FIELDS, 0))
            if kind in ("more_time", "again"):
                row[kind] += count
            else:
                row["reached"] += count if kind == "entered" else -count
    return out


def every_day(totals: Totals) -> list[tuple[dt.date, int]]:
    """Calls on each day of the period, 0 for days without any."""
    days, day = [], totals.since
    while day <= totals.until:
        days.append((day, totals.per_day.get(day, 0)))
        day += DAY
    return days
