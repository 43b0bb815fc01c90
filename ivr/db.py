"""The database: one SQLAlchemy engine per app, sessions, and Alembic migrations.

SQLite in the instance folder by default; PostgreSQL (IVR_DATABASE_URL) when
several instances share one database. Every statement is bounded in time so a
slow database can never hold a webhook past Twilio's 15 seconds.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# The connection a block of code shares (Database.one_connection), if any.
_connection: contextvars.ContextVar = contextvars.ContextVar("ivr_db_connection", default=None)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Seconds any one database call may take before it is abandoned.
STATEMENT_TIMEOUT = 3


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Base of every table."""


def _private_sqlite_file(url: str) -> None:
    """Make a new SQLite database file readable by its owner only (it holds sealed numbers and
    staff accounts); SQLite gives its -wal and -shm files the same mode."""
    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str) -> Engine:
    """An engine with time bounds, and SQLite set up for several worker processes."""
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(
            url, hide_parameters=True, connect_args={"timeout": STATEMENT_TIMEOUT, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={STATEMENT_TIMEOUT * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        connect_args = {
            "connect_timeout": STATEMENT_TIMEOUT,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT * 1000} -c lock_timeout={STATEMENT_TIMEOUT * 1000}",
        }
    # hide_parameters: a logged database error never carries the values (a sealed number, a digest) it was given.
    return create_engine(
        url,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=STATEMENT_TIMEOUT,
        connect_args=connect_args,
    )


class Database:
    """The app's database extension: `db.init_app(app)`, then `with db.session() as s:`."""

    def __init__(self, url: str | None = None):
        self.engine: Engine | None = make_engine(url) if url else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False) if url else None

    def init_app(self, app) -> None:
        self.engine = make_engine(app.config["IVR_DATABASE_URL"])
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["ivr.db"] = self

    @contextlib.contextmanager
    def one_connection(self):
        """Within this block, every session uses one connection, checked out (and pinged) once.

        A webhook that makes several short transactions (a booking step reads, then
        writes) pays for one pool checkout instead of one each. Each session still
        commits or rolls back on its own, exactly as without this block.
        """
        if _connection.get() is not None:  # already inside one: nothing to add
            yield
            return
        with self.engine.connect() as connection:
            token = _connection.set(connection)
            try:
                yield
            finally:
                _connection.reset(token)
                if connection.in_transaction():
                    connection.rollback()

    @contextlib.contextmanager
    def session(self):
        """A session that commits on success and rolls back on any error."""
        connection = _connection.get()
        session: Session = self._sessions(bind=connection) if connection is not None else self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database up to the newest schema (safe to run every start)."""
    from alembic import command

    command.upgrade(alembic_config(url), "heads")


def current_revisions(url: str) -> set[str]:
    """The schema revisions the database is at (empty when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
