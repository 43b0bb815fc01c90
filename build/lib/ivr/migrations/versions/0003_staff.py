"""The staff area: accounts, login failures, prompt drafts and versions, recordings,
the live-state counter and the audit trail.

Revision ID: 0003_staff
Revises: 0001_base
Create Date: 2026-11-23
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003_staff"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def _when(name="at", index=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, index=index)


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "staff_login_failure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        _when(),
    )
    op.create_table(
        "prompt_draft",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("prompt_id", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("edited_by", sa.String(254), nullable=False),
        _when("edited_at"),
        sa.UniqueConstraint("language", "prompt_id"),
    )
    op.create_table(
        "prompt_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("language", sa.String(20), nullable=False, index=True),
        sa.Column("prompt_id", sa.String(100), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("published_by", sa.String(254), nullable=False),
        _when("published_at"),
    )
    op.create_table(
        "prompt_recording",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("language", sa.String(20), nullable=False, index=True),
        sa.Column("prompt_id", sa.String(100), nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("audio", sa.LargeBinary, nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("uploaded_by", sa.String(254), nullable=False),
        _when("uploaded_at"),
    )
    live = op.create_table(
        "live_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("serial", sa.Integer, nullable=False),
        _when("changed_at"),
    )
    op.bulk_insert(live, [{"id": 1, "serial": 0, "changed_at": dt.datetime.now(dt.UTC)}])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        _when(index=True),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "audit_event",
        "live_state",
        "prompt_recording",
        "prompt_version",
        "prompt_draft",
        "staff_login_failure",
        "staff",
    ):
        op.drop_table(table)
