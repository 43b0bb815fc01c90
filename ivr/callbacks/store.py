"""The callback queue's storage API, used by the webhooks, the CLI and the staff area.

    store = current_app.extensions["ivr.callbacks"]      # a CallbackStore
    store.list(status="new")                             # oldest first
    store.get("472915")                                  # by reference, fields opened
    store.set_status("472915", "done", note="rang back", now=now)
    store.assign("472915", "officer@example.org", now)   # True for the one caseworker who won
    store.page(view="mine", staff="officer@example.org", now=now)   # 50 a page, soonest due first
    store.record_attempt("472915", "officer@example.org", "no_answer", now)

Every method opens its own short transaction. A booking is one transaction
(request, first event, draft removed), so a caller is told it is made only once
it is committed, and a failed write leaves nothing behind. One request per call:
the unique call_sid makes a retried or concurrent webhook find the first one.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import audit
from ..db import Database
from .crypto import DataKey, InvalidToken
from .limit import booked_today, lock_bookings_of
from .models import (
    ANSWERED,
    CLOSED_STATUSES,
    COULD_NOT_REACH,
    DONE,
    LIAISON,
    NEW,
    OPEN_STATUSES,
    PURPOSES,
    STATUSES,
    CallbackAttempt,
    CallbackDraft,
    CallbackEvent,
    CallbackRequest,
)
from .records import PAGE_SIZE, Attempt, Callback, OverDailyLimit, Page, StatusChange, StoreError, utc
from .work import QueueWork

log = logging.getLogger(__name__)

# Bookings one calling number may make in 24 hours: enough for a caller who rings back,
# too few to flood the queue (IVR_BOOKINGS_PER_NUMBER_PER_DAY).
DEFAULT_PER_NUMBER_PER_DAY = 3
DEFAULT_RETENTION_DAYS = 90
# Closed requests keep the timers victims' services use: no contact made, 6 weeks after closing
# (IVR_RETENTION_NO_CONTACT_DAYS); could not reach, 6 months (IVR_RETENTION_COULD_NOT_REACH_DAYS),
# in case the caller rings again about it.
DEFAULT_NO_CONTACT_DAYS = 42
DEFAULT_UNREACHED_DAYS = 183
# A draft older than the longest call Twilio allows (4 hours) belongs to no live call.
DRAFT_MAX_AGE = dt.timedelta(hours=4)
REFERENCE_DIGITS = 6
# Failed attempts (no answer, voicemail, wrong number, not safe to talk) after which a request
# closes as "could not reach" (IVR_CALLBACK_MAX_ATTEMPTS).
DEFAULT_MAX_ATTEMPTS = 3
# The queue's views: every request, the caller's own, nobody's yet, past due and still open.
VIEWS = ("all", "mine", "unassigned", "overdue")


class CallbackStore(QueueWork):
    """Bookings, the queue's pages and counts, drafts and retention; the work on a request in work.py."""

    def __init__(
        self,
        db: Database,
        key: DataKey | None,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        per_number_per_day: int = DEFAULT_PER_NUMBER_PER_DAY,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        no_contact_days: int = DEFAULT_NO_CONTACT_DAYS,
        unreached_days: int = DEFAULT_UNREACHED_DAYS,
    ):
        self.max_attempts = max_attempts
        self.no_contact_retention = dt.timedelta(days=no_contact_days)
        self.unreached_retention = dt.timedelta(days=unreached_days)
        self.db = db
        self.key = key
        self.retention = dt.timedelta(days=retention_days)
        self.per_number_per_day = per_number_per_day

    @property
    def can_store(self) -> bool:
        """Whether personal data can be stored at all (a data key is set)."""
        return self.key is not None

    def _key(self) -> DataKey:
        if self.key is None:
            raise StoreError("IVR_DATA_KEY is not set: callback numbers cannot be stored or read")
        return self.key

    # --- bookings ----------------------------------------------------------------------
    def over_daily_limit(self, number: str | None, now: dt.datetime) -> bool:
        """Whether this number has booked as many callbacks in the last 24 hours as one may (an early answer
        for the caller; `book` counts again under a lock, so the limit holds when bookings race)."""
        if not number or self.key is None:
            return False
        with self.db.session() as session:
            return booked_today(session, self.key.digest(number), now) >= self.per_number_per_day

    def book(
        self,
        call_sid: str,
        language: str,
        number: str,
        safety: dict,
        now: dt.datetime,
        caller: str | None = None,
        *,
        due_at: dt.datetime | None = None,
        purpose: str = LIAISON,
        relay: bool = False,
    ) -> tuple[Callback, bool]:
        """Store a request and drop the call's draft, in one transaction.

        `language` is the call's (en-GB, cy-GB); `due_at` when it must be rung back by;
        `purpose` helpline or liaison; `relay` when the number is to be rung through Relay UK.
        Returns (the request, True) when made now, or (the call's existing one, False)
        when this call had already booked (a retried or concurrent webhook). Raises OverDailyLimit
        when the number has booked IVR_BOOKINGS_PER_NUMBER_PER_DAY in the last 24 hours, counted
        under a lock in the storing transaction, so the limit holds however bookings race.
        """
        if purpose not in PURPOSES:
            raise StoreError(f"unknown purpose {purpose!r}; use one of: {', '.join(PURPOSES)}")
        key = self._key()
        for _ in range(5):
            reference = str(10 ** (REFERENCE_DIGITS - 1) + secrets.randbelow(9 * 10 ** (REFERENCE_DIGITS - 1)))
            row = CallbackRequest(
                call_sid=call_sid,
                reference=reference,
                language=language,
                number_sealed=key.seal(number),
                safety_sealed=key.seal(safety),
                caller_digest=key.digest(caller or number),
                status=NEW,
                created_at=now,
                status_at=now,
                due_at=utc(due_at) if due_at else None,
                purpose=purpose,
                relay=relay,
                attempts=[],
            )
            try:
                with self.db.session() as session:
                    lock_bookings_of(session, row.caller_digest, call_sid)
                    booked = session.scalar(self._query().where(CallbackRequest.call_sid == call_sid))
                    if booked is not None:  # a retried or concurrent webhook of a call that has booked
                        session.execute(delete(CallbackDraft).where(CallbackDraft.call_sid == call_sid))
                        return self._open(booked), False
                    if booked_today(session, row.caller_digest, now) >= self.per_number_per_day:
                        raise OverDailyLimit(f"this number has booked {self.per_number_per_day} callbacks today")
                    row.events.append(CallbackEvent(status=NEW, at=now))
                    session.add(row)
                    session.flush()
                    session.execute(delete(CallbackDraft).where(CallbackDraft.call_sid == call_sid))
                return self._open(row), True
            except IntegrityError:
                existing = self.by_call(call_sid)
                if existing is not None:
                    self.drop_draft(call_sid)
                    return existing, False
                # Otherwise the reference was taken (one chance in hundreds of thousands): draw again.
        raise StoreError("no free reference after 5 tries")

    def by_call(self, call_sid: str) -> Callback | None:
        with self.db.session() as session:
            row = session.scalar(self._query().where(CallbackRequest.call_sid == call_sid))
            return self._open(row) if row else None

    def get(self, reference: str) -> Callback | None:
        """A request by its reference, with its number, safety answers and history opened."""
        with self.db.session() as session:
            row = session.scalar(self._query().where(CallbackRequest.reference == reference.strip()))
            return self._open(row) if row else None

    def list(self, status: str | None = None) -> list[Callback]:
        """Requests, oldest first; only those with `status` when given."""
        if status is not None and status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
        query = self._query().order_by(CallbackRequest.created_at, CallbackRequest.id)
        if status is not None:
            query = query.where(CallbackRequest.status == status)
        with self.db.session() as session:
            return [self._open(row) for row in session.scalars(query)]

    def same_number(self, reference: str) -> list[str]:
        """The other requests from this request's number (by its keyed digest, never the number), oldest first."""
        with self.db.session() as session:
            digest = session.scalar(
                select(CallbackRequest.caller_digest).where(CallbackRequest.reference == reference.strip())
            )
            if digest is None:
                return []
            return list(
                session.scalars(
                    select(CallbackRequest.reference)
                    .where(CallbackRequest.caller_digest == digest, CallbackRequest.reference != reference.strip())
                    .order_by(CallbackRequest.created_at, CallbackRequest.id)
                )
            )

    # --- the queue -----------------------------------------------------------------------
    def page(
        self,
        now: dt.datetime,
        view: str = "all",
        staff: str | None = None,
        purpose: str | None = None,
        reference: str | None = None,
        state: str = "open",
        number: int = 1,
        size: int = PAGE_SIZE,
    ) -> Page:
        """One page of requests, soonest due first (then oldest booked).

        view: all | mine (assigned to `staff`) | unassigned | overdue (open and past due);
        purpose: helpline | liaison | None for both; reference: that request only;
        state: open (new, assigned, attempted) | closed (done, could not reach) | any.
        A page past the last gives the last page.
        """
        conditions = self._conditions(now, view, staff, purpose, reference, state)
        with self.db.session() as session:
            total = session.scalar(select(func.count()).select_from(CallbackRequest).where(*conditions))
            pages = max(1, -(-total // size))
            number = min(max(1, number), pages)
            query = (
                self._query()
                .where(*conditions)
                # NULL due times (requests booked before due dates existed) sort last on both databases.
                .order_by(
                    CallbackRequest.due_at.is_(None),
                    CallbackRequest.due_at,
                    CallbackRequest.created_at,
                    CallbackRequest.id,
                )
                .offset((number - 1) * size)
                .limit(size)
            )
            items = tuple(self._open(row) for row in session.scalars(query))
        return Page(items, total, number, size)

    def _conditions(self, now, view, staff, purpose, reference, state) -> list:
        if view not in VIEWS:
            raise StoreError(f"unknown view {view!r}; use one of: {', '.join(VIEWS)}")
        if purpose is not None and purpose not in PURPOSES:
            raise StoreError(f"unknown purpose {purpose!r}; use one of: {', '.join(PURPOSES)}")
        states = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES, "any": None}
        if state not in states:
            raise StoreError(f"unknown state {state!r}; use one of: {', '.join(states)}")
        conditions = []
        if states[state] is not None:
            conditions.append(CallbackRequest.status.in_(states[state]))
        if view == "mine":
            if not staff:
                raise StoreError("the 'mine' view needs the staff member")
            conditions.append(CallbackRequest.assigned_to == staff)
        elif view == "unassigned":
            conditions.append(CallbackRequest.assigned_to.is_(None))
        elif view == "overdue":
            conditions += [
                CallbackRequest.status.in_(OPEN_STATUSES),
                CallbackRequest.due_at.is_not(None),
                CallbackRequest.due_at < utc(now),
            ]
        if purpose is not None:
            conditions.append(CallbackRequest.purpose == purpose)
        if reference is not None:
            conditions.append(CallbackRequest.reference == "".join(reference.split()))
        return conditions

    def counts(self, now: dt.datetime) -> dict[str, int]:
        """For the home page: how many are new, assigned and attempted, and how many open ones are overdue."""
        with self.db.session() as session:
            by_status = dict(
                session.execute(
                    select(CallbackRequest.status, func.count())
                    .where(CallbackRequest.status.in_(OPEN_STATUSES))
                    .group_by(CallbackRequest.status)
                ).all()
            )
            overdue = session.scalar(
                select(func.count())
                .select_from(CallbackRequest)
                .where(*self._conditions(now, "overdue", None, None, None, "open"))
            )
        return {**{status: by_status.get(status, 0) for status in OPEN_STATUSES}, "overdue": overdue}

    def purge(self, now: dt.datetime) -> int:
        """Remove requests past their kind's retention, and drafts of calls long over; the audit trail
        says how many of each kind went (never a number). The kinds: could not reach, closed
        `unreached_retention` ago; done with no contact made (no answered attempt), closed
        `no_contact_retention` ago; any other (open, or done after speaking), booked `retention` ago."""
        answered = (
            select(CallbackAttempt.id)
            .where(CallbackAttempt.request_id == CallbackRequest.id, CallbackAttempt.outcome == ANSWERED)
            .exists()
        )
        no_contact = (CallbackRequest.status == DONE) & ~answered
        kinds = {
            f"closed with no contact made over {self.no_contact_retention.days} days ago": (
                no_contact & (CallbackRequest.status_at < now - self.no_contact_retention)
            ),
            f"could not reach closed over {self.unreached_retention.days} days ago": (
                (CallbackRequest.status == COULD_NOT_REACH)
                & (CallbackRequest.status_at < now - self.unreached_retention)
            ),
            f"booked over {self.retention.days} days ago": (
                (CallbackRequest.status != COULD_NOT_REACH)
                & ~no_contact
                & (CallbackRequest.created_at < now - self.retention)
            ),
        }
        with self.db.session() as session:
            found = {
                kind: list(session.scalars(select(CallbackRequest.id).where(when))) for kind, when in kinds.items()
            }
            old = [row_id for ids in found.values() for row_id in ids]
            if old:
                session.execute(delete(CallbackEvent).where(CallbackEvent.request_id.in_(old)))
                session.execute(delete(CallbackAttempt).where(CallbackAttempt.request_id.in_(old)))
                session.execute(delete(CallbackRequest).where(CallbackRequest.id.in_(old)))
                said = ", ".join(f"{len(ids)} {kind}" for kind, ids in found.items() if ids)
                audit.record(
                    session,
                    "callbacks.purged",
                    f"removed {len(old)} callback request(s): {said}",
                    actor="retention timer",
                )
            session.execute(delete(CallbackDraft).where(CallbackDraft.updated_at < now - DRAFT_MAX_AGE))
        if old:
            log.info("purged %d callback request(s) past their retention", len(old))
        return len(old)

    # --- drafts ------------------------------------------------------------------------
    def load_draft(self, call_sid: str, now: dt.datetime) -> dict | None:
        """The answers so far of this call's booking, or None (none, too old, or unreadable)."""
        with self.db.session() as session:
            row = session.get(CallbackDraft, call_sid)
            if row is None or utc(row.updated_at) < now - DRAFT_MAX_AGE:
                return None
            sealed = row.answers_sealed
        try:
            return self._key().open(sealed)
        except InvalidToken:
            log.warning("a callback draft could not be opened with IVR_DATA_KEY; starting again")
            return None

    def save_draft(self, call_sid: str, answers: dict, now: dt.datetime) -> None:
        sealed = self._key().seal(answers)
        for attempt in range(2):
            try:
                with self.db.session() as session:
                    # Core UPDATE, then INSERT when there was nothing to update: a draft deleted
                    # meanwhile by a booking of the same call is not an error here.
                    changed = session.execute(
                        update(CallbackDraft)
                        .where(CallbackDraft.call_sid == call_sid)
                        .values(answers_sealed=sealed, updated_at=now)
                    ).rowcount
                    if not changed:
                        session.add(CallbackDraft(call_sid=call_sid, answers_sealed=sealed, updated_at=now))
                return
            except IntegrityError:
                if attempt:  # two webhooks of one call made it at once, twice: give up
                    raise

    def drop_draft(self, call_sid: str) -> None:
        with self.db.session() as session:
            session.execute(delete(CallbackDraft).where(CallbackDraft.call_sid == call_sid))

    # --- reading rows ------------------------------------------------------------------
    @staticmethod
    def _query():
        return select(CallbackRequest).options(
            selectinload(CallbackRequest.events), selectinload(CallbackRequest.attempts)
        )

    def _open(self, row: CallbackRequest) -> Callback:
        number, safety, notes = None, {}, {}
        if self.key is not None:
            try:
                number = self.key.open(row.number_sealed)
                safety = self.key.open(row.safety_sealed)
                notes = {e.id: self.key.open(e.note_sealed) for e in row.events if e.note_sealed}
            except InvalidToken:
                log.warning("callback request (row %s) could not be opened with IVR_DATA_KEY", row.id)
        history = tuple(StatusChange(e.status, utc(e.at), notes.get(e.id, ""), e.staff, e.detail) for e in row.events)
        return Callback(
            reference=row.reference,
            call_sid=row.call_sid,
            number=number,
            language=row.language,
            safe_time=safety.get("when"),
            voicemail_ok=_yes(safety.get("voicemail")),
            say_who_is_calling=_yes(safety.get("identify")),
            status=row.status,
            created_at=utc(row.created_at),
            status_at=utc(row.status_at),
            history=history,
            due_at=utc(row.due_at) if row.due_at else None,
            purpose=row.purpose or LIAISON,
            relay=bool(row.relay),
            assigned_to=row.assigned_to,
            assigned_at=utc(row.assigned_at) if row.assigned_at else None,
            closed_reason=row.closed_reason,
            attempts=tuple(Attempt(utc(a.at), a.staff, a.outcome) for a in row.attempts),
            asked_at=safety.get("asked_at"),
        )


def _yes(answer) -> bool | None:
    return {"yes": True, "no": False}.get(answer)
