"""Saved test calls (Try the line): replayed before every publish.

Revision ID: 0007_test_calls
Revises: 0005_caller_digest
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_test_calls"
down_revision = "0005_caller_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("switches", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("expected", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("test_calls")
