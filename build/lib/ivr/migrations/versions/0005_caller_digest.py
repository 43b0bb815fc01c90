"""A keyed digest of the calling number on each callback request, for the daily limit.

Revision ID: 0005_caller_digest
Revises: 0004_merge
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_caller_digest"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.add_column(sa.Column("caller_digest", sa.String(64), nullable=True))
        batch.create_index("ix_callback_requests_caller_digest", ["caller_digest"])


def downgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_index("ix_callback_requests_caller_digest")
        batch.drop_column("caller_digest")
