"""Staff accounts to ASVS level 2: a session version per account, two-step sign-in (TOTP secret,
last step used, recovery codes), a password that must be changed, and the client address of a
failed sign-in (hashed) for the per-address throttle.

Revision ID: 0010_staff_security
Revises: 0005_caller_digest
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_staff_security"
down_revision = "0005_caller_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer, nullable=True))
        batch.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("staff_login_failure") as batch:
        batch.add_column(sa.Column("address", sa.String(64), nullable=True))
        batch.create_index("ix_staff_login_failure_address", ["address"])
    op.create_table(
        "staff_recovery_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("staff_recovery_code")
    with op.batch_alter_table("staff_login_failure") as batch:
        batch.drop_index("ix_staff_login_failure_address")
        batch.drop_column("address")
    with op.batch_alter_table("staff") as batch:
        for name in (
            "password_changed_at",
            "must_change_password",
            "totp_last_step",
            "totp_confirmed_at",
            "totp_secret",
            "session_version",
        ):
            batch.drop_column(name)
