"""Published audio clips kept in the database, so every server can play every clip the line plays.

Revision ID: 0006_published_audio
Revises: 0005_caller_digest
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_published_audio"
down_revision = "0005_caller_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audio_clip",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("audio", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audio_clip")
