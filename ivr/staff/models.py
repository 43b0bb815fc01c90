"""The staff shell's tables: accounts, login failures and recovery codes."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

ROLES = ("editor", "caseworker", "manager", "admin")




class Staff(UserMixin, Base):
    """A person who signs in to the staff area."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped on sign-out, switch-off, a password, role or two-step change: every older session ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Two-step sign-in: the base32 TOTP secret (set up when confirmed_at is set) and the last
    # time step a code was accepted for, so a code is never accepted twice.
    # Taken (incremented) by each completed sign-in: a pending sign-in carries the serial it began with.
    sign_in_serial: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set when an admin gave a temporary password: the person must choose their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Flask-Login keeps this in the session: an older version no longer loads."""
        return f"{self.id}.{self.session_version}"

    @property
    def two_step_ready(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)

    def can(self, ability: str) -> bool:
        """`prompts` (editors), `queue` (caseworkers), `reports` (managers), `accounts` (admins); admins can do all."""
        if self.role == "admin":
            return True
        return {"prompts": "editor", "queue": "caseworker", "reports": "manager"}.get(ability) == self.role


class LoginFailure(Base):
    """One failed sign-in, kept for the lock-out window (shared by every worker)."""

    __tablename__ = "staff_login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The client's address, for the per-address throttle (a hash: no addresses kept in clear).
    address: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # A typed address that is no account's, as a keyed digest: counted like an account's tries (never kept in clear).
    typed: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class RecoveryCode(Base):
    """One of an account's ten one-use recovery codes, kept as a salted hash."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)




