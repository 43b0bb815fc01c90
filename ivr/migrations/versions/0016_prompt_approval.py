"""Prompt drafts waiting for a second staff member's approval (safety words: 999, a phone number, danger,
the key guide), and the note of a draft sent back.

Revision ID: 0016_prompt_approval
Revises: 0014_login_failure_typed
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_prompt_approval"
down_revision = "0014_login_failure_typed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_draft") as batch:
        batch.add_column(sa.Column("waiting_by", sa.String(254), nullable=False, server_default=""))
        batch.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_back_by", sa.String(254), nullable=False, server_default=""))
        batch.add_column(sa.Column("sent_back_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("prompt_draft") as batch:
        batch.drop_column("sent_back_note")
        batch.drop_column("sent_back_by")
        batch.drop_column("waiting_since")
        batch.drop_column("waiting_by")
