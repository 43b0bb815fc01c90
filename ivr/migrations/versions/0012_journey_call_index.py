"""Journey events: drop the index on the call digest.

Nothing looks events up by call: reports read a day range (the day index) and sort that
day's few thousand events by call. The index only cost every webhook's events a second
B-tree insert (about a third of the cost of writing a row on SQLite).

Revision ID: 0012_journey_call_index
Revises: 0008_journey_events
Create Date: 2026-11-25
"""

from alembic import op

revision = "0012_journey_call_index"
down_revision = "0008_journey_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_journey_events_call", "journey_events")


def downgrade() -> None:
    op.create_index("ix_journey_events_call", "journey_events", ["call"])
