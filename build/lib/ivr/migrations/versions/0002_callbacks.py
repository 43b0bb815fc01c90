"""Callback requests from victim liaison officers: requests, their status history, drafts.

Revision ID: 0002_callbacks
Revises: 0001_base
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_callbacks"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(12), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("number_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("safety_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("call_sid", name="uq_callback_requests_call_sid"),
        sa.UniqueConstraint("reference", name="uq_callback_requests_reference"),
    )
    op.create_index("ix_callback_requests_status", "callback_requests", ["status"])
    op.create_index("ix_callback_requests_created_at", "callback_requests", ["created_at"])
    op.create_table(
        "callback_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("callback_requests.id", ondelete="CASCADE", name="fk_callback_events_request"),
            nullable=False,
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_callback_events_request_id", "callback_events", ["request_id"])
    op.create_table(
        "callback_drafts",
        sa.Column("call_sid", sa.String(64), primary_key=True),
        sa.Column("answers_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_callback_drafts_updated_at", "callback_drafts", ["updated_at"])


def downgrade() -> None:
    op.drop_table("callback_drafts")
    op.drop_table("callback_events")
    op.drop_table("callback_requests")
