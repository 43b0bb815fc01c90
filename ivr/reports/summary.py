"""Events -> totals: what each call did, added up by the day it started; daily rollups; retention.

A call's own facts (that it happened, its language, its outcome, where it was when
it ended, how long it took to reach a person) come from all its events together,
so totals are made per call and filed under the call's first day. A day's totals
are rolled up into journey_daily once the day is over (two days on, so a call
that crossed midnight is whole), and then reports read them instead of the events;
the events themselves go after IVR_EVENT_RETENTION_DAYS, the totals stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from itertools import groupby

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .models import JourneyDaily, JourneyEvent, JourneyRolled

log = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)
DEFAULT_RETENTION_DAYS = 400
# Each total is keyed (day, version, kind, node, detail); the kinds of totals:
#   calls; language (detail: the code, "" when never chosen); outcome (detail, see OUTCOMES);
#   entered, revisited (entered again by the same call), left, gave_up, silence, wrong_key, more_time, key, words, again (node); transfer (node, "name/status");
#   callback (node, result); more_time_calls; to_person (detail: a band of TO_PERSON).
# `silence` counts timeouts where a choice was asked for: never guidance playing on (not recorded), nor what the
# line says after a booking is made. `gave_up`: where a call that hung up before any ending was (its last node).
# `again`: asked to hear something again (the repeat key at a menu, or a choice back to guidance already heard).
OUTCOMES = ("callback_booked", "transferred", "goodbye", "hung_up", "silence_limit", "no_end_seen")
NODE_COUNTS = ("entered", "revisited", "left", "gave_up", "silence", "wrong_key", "more_time", "key", "words", "again")
# The rules a rolled day's totals were counted by, marked by a row of its own (version -1: no published serial, so
# no report reads it as figures). 2: gave_up, silence_limit, revisited and again; silence only where a choice was
# asked for. Days without it were rolled by the rules before and are rolled again while their events are kept.
RULES_MARK = {"version": -1, "kind": "rules", "node": "", "detail": "2"}
TO_PERSON = ((30, "under_30s"), (60, "30s_to_1m"), (120, "1m_to_2m"), (300, "2m_to_5m"), (None, "5m_or_more"))
COLUMNS = (
    JourneyEvent.call,
    JourneyEvent.at,
    JourneyEvent.day,
    JourneyEvent.kind,
    JourneyEvent.node,
    JourneyEvent.detail,
    JourneyEvent.version,
    JourneyEvent.to_node,
    JourneyEvent.to_kind,
)


def to_person_band(seconds: float) -> str:
    for limit, band in TO_PERSON:
        if limit is None or seconds < limit:
            return band
    return TO_PERSON[-1][1]  # pragma: no cover


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # SQLite gives back naive UTC


def summarise(rows) -> Counter:
    """Totals of the calls in `rows` (events ordered by call, then as they happened)."""
    totals: Counter = Counter()
    for _call, events in groupby(rows, key=lambda row: row.call):
        events = list(events)
        first = events[0]
        day, version = first.day, first.version
        started = _aware(first.at)
        language = ""
        last_node, last_kind, last_version = "", "", version
        ended = transferred = more_time = silence_limit = False
        booked_at = ""  # the booking node, once a booking is made: what it says after is the end of the call
        reached_person = None
        kinds: dict[str, str] = {}  # each node's kind, as the call reached it
        asked = None  # a key or words whose move (in rows written before 0013) may be the next row
        for event in events:
            kind = event.kind
            # Where the call went: an "entered" event of its own, or (from 0013) folded into what moved it.
            moved_to, moved_kind = (event.node, event.detail) if kind == "entered" else (event.to_node, event.to_kind)
            if asked is not None:
                if _again(asked, *((moved_to, moved_kind) if kind == "entered" else ("", "")), kinds):
                    totals[(day, asked.version, "again", asked.node, "")] += 1
                asked = None
            if kind in ("silence", "wrong_key", "more_time", "key", "words"):
                if kind == "silence":
                    silence_limit = silence_limit or event.detail == "limit"
                    if booked_at and event.node == booked_at:
                        kind = ""  # the reference and what happens next being read: not a choice callers owe
                if kind:
                    totals[(day, event.version, kind, event.node, "")] += 1
                more_time = more_time or kind == "more_time"
                if kind in ("key", "words"):
                    if not moved_to:
                        asked = event  # decided by the next row
                    elif _again(event, moved_to, moved_kind, kinds):
                        totals[(day, event.version, "again", event.node, "")] += 1
            elif kind == "language":
                language = event.detail
            elif kind == "transfer":
                totals[(day, event.version, "transfer", event.node, event.detail)] += 1
                transferred = transferred or event.detail.endswith("/completed")
            elif kind == "callback":
                totals[(day, event.version, "callback", event.node, event.detail)] += 1
                if event.detail == "booked":
                    booked_at = booked_at or event.node
            elif kind == "call_ended":
                ended = True
            if moved_to:
                totals[(day, event.version, "entered", moved_to, "")] += 1
                if moved_to in kinds:  # reached again by the same call (callers who reached it: entered - revisited)
                    totals[(day, event.version, "revisited", moved_to, "")] += 1
                else:
                    kinds[moved_to] = moved_kind
                last_node, last_kind, last_version = moved_to, moved_kind, event.version
                if moved_kind == "transfer" and reached_person is None:
                    reached_person = (_aware(event.at) - started).total_seconds()
        if asked is not None and _again(asked, "", "", kinds):
            totals[(day, asked.version, "again", asked.node, "")] += 1
        totals[(day, version, "calls", "", "")] += 1
        totals[(day, version, "language", "", language)] += 1
        if ended and last_node:
            totals[(day, last_version, "left", last_node, "")] += 1
        outcome = ending(bool(booked_at), transferred, silence_limit, ended, last_kind)
        totals[(day, version, "outcome", "", outcome)] += 1
        if outcome == "hung_up" and last_node:
            totals[(day, last_version, "gave_up", last_node, "")] += 1
        if more_time:
            totals[(day, version, "more_time_calls", "", "")] += 1
        if reached_person is not None:
            totals[(day, version, "to_person", "", to_person_band(max(0.0, reached_person)))] += 1
    return totals


def ending(booked: bool, transferred: bool, silence_limit: bool, ended: bool, last_kind: str) -> str:
    """How a call ended (OUTCOMES): the first that holds of booked, put through, ended by the silence rule,
    no end reported yet, the line's goodbye; else the caller hung up before any ending (gave up)."""
    if booked:
        return "callback_booked"
    if transferred:
        return "transferred"
    if silence_limit:
        return "silence_limit"  # the line ended it: known before the status callback comes
    if not ended:
        return "no_end_seen"
    if last_kind == "goodbye":
        return "goodbye"
    return "hung_up"


def _again(event, moved_to: str, moved_kind: str, kinds: dict[str, str]) -> bool:
    """A key or words asking to hear something again: the repeat key at a menu (the same menu said again, no move),
    or a choice back to guidance this call has already heard ("To hear this again, press 2")."""
    if moved_to:
        return moved_kind == "guidance" and moved_to in kinds
    return kinds.get(event.node) == "menu"


def events_between(session, first: dt.date, last: dt.date):
    """Events of days first..last (inclusive), ordered by call, then as they happened."""
    query = (
        select(*COLUMNS)
        .where(JourneyEvent.day >= first, JourneyEvent.day <= last)
        # By time, not by id alone: each worker and server has its own writer, so a later webhook's rows can be
        # numbered before an earlier one's. One webhook's rows share their time and keep their order by id.
        .order_by(JourneyEvent.call, JourneyEvent.at, JourneyEvent.id)
    )
    return session.execute(query)


def last_rolled(session) -> dt.date | None:
    return session.scalar(select(func.max(JourneyRolled.day)))


_REROLLED: set[str] = set()  # the databases (by URL) this process has rolled old days of again


def roll_up(db, today: dt.date, now: dt.datetime | None = None) -> int:
    """Roll up every finished day not yet rolled (a day is finished two days on); returns days rolled.

    Days are rolled in order, each in its own transaction that first claims the day in
    journey_rolled: two servers rolling at once cannot count a day twice. Days rolled up
    by older rules are rolled again first (once a process), where their events are still kept (see `reroll`).
    """
    now = now or dt.datetime.now(dt.UTC)
    key = db.engine.url.render_as_string(hide_password=True)
    if key not in _REROLLED:  # once a process: every day rolled from now on carries the mark
        reroll(db, now)
        _REROLLED.add(key)
    cutoff = today - 2 * DAY
    with db.session() as session:
        last = last_rolled(session)
        start = last + DAY if last is not None else session.scalar(select(func.min(JourneyEvent.day)))
    if start is None:
        return 0
    rolled = 0
    day = start
    while day <= cutoff:
        try:
            with db.session() as session:
                session.add(JourneyRolled(day=day, rolled_at=now))
                session.flush()
                _roll(session, day)
            rolled += 1
        except IntegrityError:
            pass  # another server rolled this day first
        day += DAY
    return rolled


def _roll(session, day: dt.date) -> None:
    """Write one day's totals, and the mark of the rules they were counted by."""
    # From the day before: a call that began then is filed under that day and left out here, not
    # counted again as a call from its events after midnight (the report reads the same window).
    totals = summarise(events_between(session, day - DAY, day + DAY))
    rows = [
        {"day": d, "version": v, "kind": k, "node": n, "detail": x, "count": c}
        for (d, v, k, n, x), c in totals.items()
        if d == day
    ]
    rows.append({"day": day, **RULES_MARK, "count": 1})
    session.execute(insert(JourneyDaily), rows)


def reroll(db, now: dt.datetime) -> int:
    """Roll again the days rolled up by rules older than RULES (no mark), where their events and the day before's
    (when it had calls) are still kept: their totals then say what these rules say (gave_up, silence_limit, silence only where a choice
    was asked for...). Older days keep the totals they were rolled with. Returns the days rolled again."""
    mark = RULES_MARK
    with db.session() as session:
        oldest = session.scalar(select(func.min(JourneyEvent.day)))
        if oldest is None:
            return 0
        marked = (
            select(JourneyDaily.day)
            .where(
                JourneyDaily.day == JourneyRolled.day,
                JourneyDaily.version == mark["version"],
                JourneyDaily.kind == mark["kind"],
                JourneyDaily.node == mark["node"],
                JourneyDaily.detail == mark["detail"],
            )
            .exists()
        )
        # The oldest day with events too, when the day before had no calls (so no call of its can have been purged
        # and then be counted again from its events after midnight).
        before = session.scalar(
            select(func.sum(JourneyDaily.count)).where(JourneyDaily.day == oldest - DAY, JourneyDaily.kind == "calls")
        )
        first = oldest if not before else oldest + DAY
        days = session.scalars(
            select(JourneyRolled.day).where(JourneyRolled.day >= first, ~marked).order_by(JourneyRolled.day)
        ).all()
    again = 0
    for day in days:
        with db.session() as session:
            # Whoever deletes the claim rolls the day; another server doing the same finds nothing to delete.
            if not session.execute(delete(JourneyRolled).where(JourneyRolled.day == day)).rowcount:
                continue
            session.execute(delete(JourneyDaily).where(JourneyDaily.day == day))
            session.add(JourneyRolled(day=day, rolled_at=now))
            session.flush()
            _roll(session, day)
            again += 1
    return again


def purge(db, today: dt.date, retention_days: int, now: dt.datetime | None = None) -> int:
    """Roll up what is finished, then delete events older than the retention: never unrolled ones, nor the last
    rolled day's (the next day's roll-up reads them, to leave out calls that began that day)."""
    roll_up(db, today, now)
    oldest_kept = today - dt.timedelta(days=retention_days)
    with db.session() as session:
        last = last_rolled(session)
        if last is None:
            return 0
        cutoff = min(oldest_kept, last)
        result = session.execute(delete(JourneyEvent).where(JourneyEvent.day < cutoff))
        return result.rowcount or 0


def purge_safely(app) -> int:
    """The purge for `ivr serve`'s start and `ivr callbacks purge`: a fault is logged, not raised."""
    from .days import line_day

    now = app.config["IVR_CLOCK"]()
    try:
        return purge(app.extensions["ivr.db"], line_day(now), retention_days(app.config), now)
    except SQLAlchemyError as exc:
        log.warning("journey events purge failed: %s", exc.__class__.__name__)
        return 0


def retention_days(config) -> int:
    """IVR_EVENT_RETENTION_DAYS: the app's config (or instance config.py), else the environment, else 400."""
    from .days import setting

    return setting(config, "IVR_EVENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, " of days")


def purge_configured(db) -> tuple[int, int]:
    """`ivr callbacks purge`: the same purge for the configured line; (events removed, days kept)."""
    from ..instance import app_config
    from .days import line_day

    days = retention_days(app_config())
    now = dt.datetime.now(dt.UTC)
    return purge(db, line_day(now), days, now), days
