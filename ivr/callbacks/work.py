"""The work on a request, as the callback store does it: assign, give back, reassign (admins),
return an account's requests to the queue, record an attempt, change the status.

A request's status follows the work: "assigned" when somebody takes it, "attempted" once
anyone has rung, "new" again when given back untried. Each change is an event in the
request's history saying who did it and what (never caller data in clear).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, select, update

from .models import (
    ASSIGNED,
    ATTEMPTED,
    COULD_NOT_REACH,
    FAILED_OUTCOMES,
    NEW,
    OPEN_STATUSES,
    OUTCOME_LABELS,
    OUTCOMES,
    STATUSES,
    VOICEMAIL_LEFT,
    CallbackAttempt,
    CallbackEvent,
    CallbackRequest,
)
from .records import Callback, StoreError, utc


class QueueWork:
    """Mixed into CallbackStore: needs its `db`, `max_attempts`, `_key()`, `_query()` and `_open()`."""

    def assign(self, reference: str, staff: str, now: dt.datetime) -> bool:
        """Give a request to `staff` if nobody has it: True for the one caller who won.

        One conditional UPDATE (`... WHERE assigned_to IS NULL`), so when two caseworkers
        press "assign to me" at once, the database lets exactly one of them have it.
        A new request becomes "assigned"; one already tried stays "attempted".
        """
        if not staff:
            raise StoreError("assign needs the staff member")
        with self.db.session() as session:
            won = session.execute(
                update(CallbackRequest)
                .where(
                    CallbackRequest.reference == reference.strip(),
                    CallbackRequest.assigned_to.is_(None),
                    CallbackRequest.status.in_(OPEN_STATUSES),
                )
                .values(assigned_to=staff, assigned_at=utc(now), status=_held(True))
                .execution_options(synchronize_session=False)
            ).rowcount
            if won == 1:
                self._note(session, reference, now, staff, f"assigned to {staff}")
        return won == 1

    def release(self, reference: str, staff: str, now: dt.datetime | None = None) -> bool:
        """Give back a request `staff` holds (nobody's again): True if they held it."""
        now = now or dt.datetime.now(dt.UTC)
        with self.db.session() as session:
            released = session.execute(
                update(CallbackRequest)
                .where(
                    CallbackRequest.reference == reference.strip(),
                    CallbackRequest.assigned_to == staff,
                    CallbackRequest.status.in_(OPEN_STATUSES),
                )
                .values(assigned_to=None, assigned_at=None, status=_held(False))
                .execution_options(synchronize_session=False)
            ).rowcount
            if released == 1:
                self._note(session, reference, now, staff, "given back: nobody's now")
        return released == 1

    def reassign(self, reference: str, to: str | None, by: str, now: dt.datetime) -> Callback:
        """An admin gives an open request to `to` (None: back to the queue), whoever holds it now."""
        with self.db.session() as session:
            row = session.scalar(self._query().where(CallbackRequest.reference == reference.strip()).with_for_update())
            if row is None:
                raise StoreError(f"no callback request with reference {reference!r}")
            if row.status not in OPEN_STATUSES:
                raise StoreError(f"request {row.reference} is closed: it cannot be reassigned")
            before = row.assigned_to
            row.assigned_to, row.assigned_at = (to, utc(now)) if to else (None, None)
            if row.status != ATTEMPTED:
                row.status = ASSIGNED if to else NEW
            what = f"reassigned to {to}" if to else "returned to the queue"
            row.events.append(
                CallbackEvent(status=row.status, at=now, staff=by, detail=f"{what} (was {before or 'nobody'})")
            )
            session.flush()
            return self._open(row)

    def return_to_queue(self, staff: str, by: str, now: dt.datetime, why: str) -> list[str]:
        """Every open request `staff` holds becomes nobody's again (their account is switched off):
        the references returned, each with the reason in its history."""
        with self.db.session() as session:
            rows = session.scalars(
                select(CallbackRequest)
                .where(CallbackRequest.assigned_to == staff, CallbackRequest.status.in_(OPEN_STATUSES))
                .order_by(CallbackRequest.id)
                .with_for_update()
            ).all()
            for row in rows:
                row.assigned_to, row.assigned_at = None, None
                if row.status == ASSIGNED:
                    row.status = NEW
                session.add(
                    CallbackEvent(
                        request_id=row.id, status=row.status, at=now, staff=by, detail=f"returned to the queue: {why}"
                    )
                )
            return [row.reference for row in rows]

    def dated_open(self) -> list[Callback]:
        """Every open request with a due time, soonest due first (for moving due times)."""
        query = (
            self._query()
            .where(CallbackRequest.status.in_(OPEN_STATUSES), CallbackRequest.due_at.is_not(None))
            .order_by(CallbackRequest.due_at, CallbackRequest.id)
        )
        with self.db.session() as session:
            return [self._open(row) for row in session.scalars(query)]

    def move_due(self, reference: str, due_at: dt.datetime, by: str, now: dt.datetime, why: str) -> None:
        """A new due time for an open request, with why in its history."""
        with self.db.session() as session:
            session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.reference == reference.strip(), CallbackRequest.status.in_(OPEN_STATUSES))
                .values(due_at=utc(due_at))
                .execution_options(synchronize_session=False)
            )
            self._note(session, reference, now, by, why)

    def _note(self, session, reference: str, now: dt.datetime, staff: str | None, detail: str) -> None:
        """An event in the request's history (in this transaction), with its status as it is now."""
        row = session.execute(
            select(CallbackRequest.id, CallbackRequest.status).where(CallbackRequest.reference == reference.strip())
        ).one()
        session.add(CallbackEvent(request_id=row.id, status=row.status, at=now, staff=staff, detail=detail))

    def record_attempt(self, reference: str, staff: str, outcome: str, now: dt.datetime) -> tuple[Callback, bool]:
        """Keep one attempt at ringing the caller; returns (the request, whether it closed now).

        "voicemail left" is refused unless the caller said a voicemail is safe. An answered
        call leaves the request open for the caseworker to close as done; after
        `max_attempts` failed ones it closes as "could not reach".
        """
        if outcome not in OUTCOMES:
            raise StoreError(f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
        if not staff:
            raise StoreError("an attempt needs the staff member who made it")
        with self.db.session() as session:
            row = session.scalar(self._query().where(CallbackRequest.reference == reference.strip()).with_for_update())
            if row is None:
                raise StoreError(f"no callback request with reference {reference!r}")
            if row.status not in OPEN_STATUSES:
                raise StoreError(f"request {row.reference} is closed: no more attempts can be recorded")
            if outcome == VOICEMAIL_LEFT and self._open(row).voicemail_ok is not True:
                raise StoreError("the caller did not say a voicemail is safe: none may be left")
            row.attempts.append(CallbackAttempt(at=utc(now), staff=staff, outcome=outcome))
            failed = sum(1 for a in row.attempts if a.outcome in FAILED_OUTCOMES)
            closed = outcome in FAILED_OUTCOMES and failed >= self.max_attempts
            said = f"attempt {len(row.attempts)}: {OUTCOME_LABELS[outcome]}"
            row.events.append(
                CallbackEvent(status=ATTEMPTED, at=now, staff=staff, detail=said)
            )
            if closed:
                row.status = COULD_NOT_REACH
                row.status_at = now
                row.closed_reason = COULD_NOT_REACH
                row.events.append(CallbackEvent(status=COULD_NOT_REACH, at=now, staff=staff))
            elif row.status != ATTEMPTED:
                row.status = ATTEMPTED
                row.status_at = now
            session.flush()
            return self._open(row), closed

    def set_status(
        self, reference: str, status: str, now: dt.datetime, note: str = "", staff: str | None = None
    ) -> Callback:
        """Move a request to `status` (with an optional note, sealed; `staff` who did it);
        raises StoreError if unknown."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
        note_sealed = self._key().seal(note) if note else None
        with self.db.session() as session:
            row = session.scalar(self._query().where(CallbackRequest.reference == reference.strip()))
            if row is None:
                raise StoreError(f"no callback request with reference {reference!r}")
            row.status = status
            row.status_at = now
            row.closed_reason = None if status in OPEN_STATUSES else status
            row.events.append(CallbackEvent(status=status, at=now, note_sealed=note_sealed, staff=staff))
            session.flush()
            return self._open(row)


def _held(held: bool):
    """The status a request takes when somebody takes it (True) or gives it back (False):
    new and assigned follow the holder; attempted (and closed) ones keep theirs."""
    before, after = (NEW, ASSIGNED) if held else (ASSIGNED, NEW)
    return case((CallbackRequest.status == before, after), else_=CallbackRequest.status)
