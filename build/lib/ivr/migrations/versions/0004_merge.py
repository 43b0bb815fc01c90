"""Merge the callbacks (0002) and staff area (0003) branches of the schema.

Revision ID: 0004_merge
Revises: 0002_callbacks, 0003_staff
Create Date: 2026-11-23
"""

revision = "0004_merge"
down_revision = ("0002_callbacks", "0003_staff")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
