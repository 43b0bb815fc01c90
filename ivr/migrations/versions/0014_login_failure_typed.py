"""Sign-in failures: a keyed digest of a typed address that is no account's; staff: a sign-in serial.

Tries for an unknown address are counted like an account's, so after as many tries it is
answered as a locked account is (ASVS 2.2.1: the answers must not tell them apart). The
address itself is still never stored: only an HMAC of it under the secret key, kept for the
lock-out window like every failure row.

`staff.sign_in_serial` is taken by the sign-in that completes: the state between the password
and the code carries the serial it began with, so it serves one sign-in only (ASVS 3.3.1).

Revision ID: 0014_login_failure_typed
Revises: 0013_journey_moved_to
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_login_failure_typed"
down_revision = "0013_journey_moved_to"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("sign_in_serial", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("staff_login_failure") as batch:
        batch.add_column(sa.Column("typed", sa.String(64), nullable=True))
        batch.create_index("ix_staff_login_failure_typed", ["typed"])


def downgrade() -> None:
    with op.batch_alter_table("staff_login_failure") as batch:
        batch.drop_index("ix_staff_login_failure_typed")
        batch.drop_column("typed")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("sign_in_serial")
