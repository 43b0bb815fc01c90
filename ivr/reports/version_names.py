"""Published versions named as staff know them: "Version of 7 December 2026 at 14:02 by editor@example.org:
2 prompts changed", not "Publish 2".

Calls record the live serial in force (journey events' `version`). Every publish or rollback of words adds a
PromptVersion and bumps the serial by one; publishing a recording, or removing a live one, bumps it too (its audit
event says so). So serial N is the N-th of those changes in time order. Where that count does not match the live
serial (a recording removed while not live is audited but bumps nothing), only words are counted, and a serial
with no change found is named by its number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..audit import AuditEvent
from ..prompts.models import PromptVersion
from ..prompts.store import live_serial
from ..staff import words

SHIPPED = "Shipped words"
RECORDING_ACTIONS = ("recording.publish", "recording.remove")


@dataclass(frozen=True)
class Change:
    at: object
    by: str
    prompt: str  # "main.help (en-GB)"


def changes(session) -> list[Change]:
    """The serial's changes in order: changes[n - 1] made serial n."""
    prompts = [
        (row.published_at, row.id, Change(row.published_at, row.published_by, f"{row.prompt_id} ({row.language})"))
        for row in session.scalars(select(PromptVersion).order_by(PromptVersion.id))
    ]
    recordings = [
        (row.at, row.id, Change(row.at, row.actor, row.detail.split(" recording ")[0]))
        for row in session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(RECORDING_ACTIONS)).order_by(AuditEvent.id)
        )
    ]
    both = [change for _at, _id, change in sorted(prompts + recordings, key=lambda item: (_aware(item[0]), item[1]))]
    if len(both) == live_serial(session):
        return both
    return [change for _at, _id, change in prompts]


def _aware(moment):
    import datetime as dt

    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def names(session, serials: list[int]) -> dict[int, str]:
    """{serial: its name}, for the serials a table lists (in order): when, by whom, and how many prompts changed
    since the serial listed before it (or since the shipped words)."""
    made = changes(session)
    out: dict[int, str] = {}
    before = 0
    for serial in sorted(serials):
        if serial == 0:
            out[serial] = SHIPPED
            continue
        if serial > len(made):
            out[serial] = f"Version {serial}"
        else:
            change = made[serial - 1]
            count = len({c.prompt for c in made[before:serial]})
            out[serial] = (
                f"Version of {words.uk_time(change.at)} by {change.by}: "
                f"{count} prompt{'' if count == 1 else 's'} changed"
            )
        before = serial
    return out
