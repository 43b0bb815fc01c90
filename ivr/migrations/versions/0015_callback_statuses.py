"""Callback statuses follow the work: new, assigned, attempted, done, could not reach.

"in progress" goes: an open request someone tried to ring becomes "attempted", one that
somebody holds "assigned", and the rest "new"; a "new" request already held or tried moves
on the same way. Each event of a request's history also says who did it and what, in clear
(staff addresses and plain words, never caller data).

Revision ID: 0015_callback_statuses
Revises: 0009_callback_work
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_callback_statuses"
down_revision = "0009_callback_work"
branch_labels = None
depends_on = None

TRIED = "EXISTS (SELECT 1 FROM callback_attempts a WHERE a.request_id = callback_requests.id)"


def upgrade() -> None:
    with op.batch_alter_table("callback_events") as batch:
        batch.add_column(sa.Column("staff", sa.String(254), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(200), nullable=True))
    op.execute(f"UPDATE callback_requests SET status = 'attempted' WHERE status IN ('new', 'in_progress') AND {TRIED}")
    op.execute(
        "UPDATE callback_requests SET status = 'assigned' "
        "WHERE status IN ('new', 'in_progress') AND assigned_to IS NOT NULL"
    )
    op.execute("UPDATE callback_requests SET status = 'new' WHERE status = 'in_progress'")


def downgrade() -> None:
    op.execute("UPDATE callback_requests SET status = 'in_progress' WHERE status IN ('assigned', 'attempted')")
    op.execute("UPDATE callback_events SET status = 'in_progress' WHERE status IN ('assigned', 'attempted')")
    with op.batch_alter_table("callback_events") as batch:
        batch.drop_column("detail")
        batch.drop_column("staff")
