"""Journey events: where an event moved the call to, in the same row.

Most webhooks record two things: what the caller did (a key, words, a transfer's end)
and the node the line then took them to. Writing the second as its own row cost every
such webhook a second insert; now it goes in `to_node` and `to_kind` of the first
(an "entered" row is still written when nothing else happened). Rows written before
keep their separate "entered" rows, which reports read as before.

Revision ID: 0013_journey_moved_to
Revises: 0012_journey_call_index
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_journey_moved_to"
down_revision = "0012_journey_call_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("journey_events", sa.Column("to_node", sa.String(64), nullable=False, server_default=""))
    op.add_column("journey_events", sa.Column("to_kind", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    # Back to one row per thing that happened: each folded move becomes an "entered" row of its own, numbered
    # straight after its cause (the code before 0013 reads a call's events in id order): ids are doubled first, in two steps
    # so no two rows ever share one, and each move takes its cause's id + 1.
    op.execute("UPDATE journey_events SET id = -2 * id")
    op.execute("UPDATE journey_events SET id = -id")
    op.execute(
        "INSERT INTO journey_events (id, at, day, call, kind, node, detail, version, to_node, to_kind) "
        "SELECT id + 1, at, day, call, 'entered', to_node, to_kind, version, '', '' "
        "FROM journey_events WHERE to_node <> ''"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('journey_events', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM journey_events"
        )
    with op.batch_alter_table("journey_events") as batch:
        batch.drop_column("to_kind")
        batch.drop_column("to_node")
