"""Pooled database connections are checked only after they have sat idle.

A connection left in the pool may have been closed meanwhile (the database
restarted, a firewall dropped it). SQLAlchemy's ``pool_pre_ping`` checks every
connection before each use: one more round trip per request, the most expensive
part of a sign-in after the password hash (bench/README.md). Here, as HikariCP does,
a connection used less than ``DATABASE_PING_AFTER_IDLE`` seconds ago is trusted;
an older one is pinged and, if dead, replaced before the request sees it.
"""

import time

from flask import Flask
from sqlalchemy import event, exc


def init_app(app: Flask, engine) -> None:
    idle = app.config["DATABASE_PING_AFTER_IDLE"]
    if idle is None or engine.dialect.name == "sqlite":  # a file: nothing to lose
        return

    @event.listens_for(engine, "checkin")
    def _put_back(dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, proxy):
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool discards this connection and opens another (up to 3 tries).
                raise exc.DisconnectionError() from error
            raise
