"""A callback store for a dry run (staff trying the line): the real store's settings and key on a
throwaway in-memory database, so a simulated booking is made by the real code and then discarded."""

from __future__ import annotations

import copy


def throwaway_copy(real):
    """The real CallbackStore's settings and key, on a new in-memory database of its own.

    Only this dry run sees it, and it is gone when the run is: nothing a simulated
    caller books reaches the queue, the daily limit, or the database.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.pool import StaticPool

    from ..db import Base, Database
    from . import models  # noqa: F401  (the callback tables, on Base.metadata)

    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    database = Database()
    database.engine = engine
    database._sessions = sessionmaker(engine, expire_on_commit=False)
    store = copy.copy(real)
    store.db = database
    return store
