"""Journey events for reports (by kind only, a keyed digest per call) and their daily totals.

Revision ID: 0008_journey_events
Revises: 0005_caller_digest
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_journey_events"
down_revision = "0005_caller_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journey_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("call", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("detail", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_journey_events_day", "journey_events", ["day"])
    op.create_index("ix_journey_events_call", "journey_events", ["call"])
    op.create_table(
        "journey_daily",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("node", sa.String(64), primary_key=True),
        sa.Column("detail", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "journey_rolled",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("journey_rolled")
    op.drop_table("journey_daily")
    op.drop_index("ix_journey_events_call", "journey_events")
    op.drop_index("ix_journey_events_day", "journey_events")
    op.drop_table("journey_events")
