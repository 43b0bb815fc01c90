"""Callback work for liaison officers: due dates, purpose, relay, assignment and closing reason on
each request; a table of attempts to ring the caller; a table of calendar exceptions (closures and
extra opening days set by an admin in the staff area).

Revision ID: 0009_callback_work
Revises: 0005_caller_digest
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_callback_work"
down_revision = "0005_caller_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purpose", sa.String(16), nullable=False, server_default="liaison"))
        batch.add_column(sa.Column("relay", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("assigned_to", sa.String(254), nullable=True))
        batch.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_reason", sa.String(32), nullable=True))
        batch.create_index("ix_callback_requests_due_at", ["due_at"])
        batch.create_index("ix_callback_requests_assigned_to", ["assigned_to"])
        batch.create_index("ix_callback_requests_purpose", ["purpose"])
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("callback_requests.id", ondelete="CASCADE", name="fk_callback_attempts_request"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff", sa.String(254), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
    )
    op.create_index("ix_callback_attempts_request_id", "callback_attempts", ["request_id"])
    op.create_table(
        "calendar_exceptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        # 'closed' (the line shut all day) or 'open' (an extra opening day, from opens_at to closes_at)
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("set_by", sa.String(254), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", name="uq_calendar_exceptions_day"),
    )


def downgrade() -> None:
    op.drop_table("calendar_exceptions")
    op.drop_table("callback_attempts")
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_index("ix_callback_requests_purpose")
        batch.drop_index("ix_callback_requests_assigned_to")
        batch.drop_index("ix_callback_requests_due_at")
        for name in ("closed_reason", "assigned_at", "assigned_to", "relay", "purpose", "due_at"):
            batch.drop_column(name)
