"""`flask accounts purge` on 100,000 expired accounts, on SQLite and PostgreSQL, with the plan.

    .venv/bin/python bench/purge.py            # both
    .venv/bin/python bench/purge.py sqlite     # one

Each backend gets 100,000 expired unactivated accounts plus 20,000 activated and 5,000
recent unactivated ones (which must survive). Times the CLI command (process start
included) and shows EXPLAIN / EXPLAIN QUERY PLAN of the DELETE the purge runs.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

from common import RESULTS, ROOT, VENV, app_env, save

EXPIRED, ACTIVE, RECENT = 100_000, 20_000, 5_000
BACKENDS = {
    "sqlite": "sqlite:////tmp/bench-purge.db",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/bench",
}


def fill(uri: str) -> None:
    os.environ.update(app_env(FLASK_SQLALCHEMY_DATABASE_URI=uri))
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import delete, insert

    from site_app import create_app
    from site_app.clock import utcnow
    from site_app.extensions import db
    from site_app.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
        db.session.execute(delete(User).where(User.email.like("purge-%")))
        now = utcnow()
        old = now - app.config["ACTIVATION_DELAY"] - timedelta(hours=24)
        rows = []
        for index in range(EXPIRED + ACTIVE + RECENT):
            kind = "expired" if index < EXPIRED else "active" if index < EXPIRED + ACTIVE else "recent"
            rows.append({
                "email": f"purge-{kind}-{index}@bench.example.org", "password_hash": "x",
                "locale": "fr", "security_stamp": f"purge-{index}-{time.time_ns()}",
                "created_at": old if kind != "recent" else now,
                "activated_at": now if kind == "active" else None,
            })
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(User), rows[start:start + 10_000])
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def plan(uri: str) -> str:
    code = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from sqlalchemy import delete
from site_app import create_app
from site_app.clock import utcnow
from site_app.extensions import db
from site_app.models import User
app = create_app({{"SQLALCHEMY_DATABASE_URI": {uri!r}}})
with app.app_context():
    deadline = utcnow() - app.config["ACTIVATION_DELAY"]
    statement = delete(User).where(User.activated_at.is_(None), User.created_at < deadline)
    compiled = statement.compile(db.engine)
    sql = str(compiled)
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE users")  # fresh statistics, as autovacuum would give
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + sql, tuple(compiled.params.values())
                                          if db.engine.dialect.name == "sqlite" else compiled.params)
        print(sql.replace(chr(10), " "))
        for row in rows:
            print(" | ".join(str(value) for value in row))
"""
    return subprocess.run([str(VENV / "python"), "-c", code], capture_output=True, text=True,
                          env=app_env(FLASK_SQLALCHEMY_DATABASE_URI=uri), timeout=120).stdout


def timed_purge(uri: str) -> str:
    """The purge function alone, in-process (no interpreter or app start)."""
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from site_app import accounts, create_app
app = create_app({{"SQLALCHEMY_DATABASE_URI": {uri!r}}})
with app.app_context():
    start = time.perf_counter()
    count = accounts.purge_unactivated_accounts()
    print(count, round(time.perf_counter() - start, 3))
"""
    return subprocess.run([str(VENV / "python"), "-c", code], capture_output=True, text=True,
                          env=app_env(FLASK_SQLALCHEMY_DATABASE_URI=uri), timeout=600).stdout.strip()


def count(uri: str) -> str:
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from sqlalchemy import func, select
from site_app import create_app
from site_app.extensions import db
from site_app.models import User
app = create_app({{"SQLALCHEMY_DATABASE_URI": {uri!r}}})
with app.app_context():
    print(db.session.scalar(select(func.count()).where(User.email.like("purge-%"))))
"""
    return subprocess.run([str(VENV / "python"), "-c", code], capture_output=True, text=True,
                          env=app_env(FLASK_SQLALCHEMY_DATABASE_URI=uri), timeout=120).stdout.strip()


def main():
    chosen = sys.argv[1:] or list(BACKENDS)
    previous = RESULTS / "purge.json"  # keep the other backend's figures when running one
    results = {key: value for key, value in json.loads(previous.read_text()).items()
               if key in BACKENDS} if previous.exists() else {}
    for name in chosen:
        uri = BACKENDS[name]
        if name == "sqlite" and os.path.exists("/tmp/bench-purge.db"):
            os.remove("/tmp/bench-purge.db")
        subprocess.run([str(VENV / "python"), __file__, "--fill", uri], check=True, timeout=600)
        explain = plan(uri)
        print(f"[{name}] plan:\n{explain}", flush=True)
        env = app_env(FLASK_SQLALCHEMY_DATABASE_URI=uri)
        start = time.perf_counter()
        out = subprocess.run([str(VENV / "flask"), "accounts", "purge"], capture_output=True,
                             text=True, env=env, timeout=600, cwd=ROOT)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([str(VENV / "python"), "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                        f"from site_app import create_app; create_app({{'SQLALCHEMY_DATABASE_URI': {uri!r}}})"],
                       env=env, timeout=120, check=True)
        startup = time.perf_counter() - start
        left = count(uri)
        print(f"[{name}] {out.stdout.strip()} {out.stderr.strip()[-300:]} in {seconds:.2f} s "
              f"(app start alone {startup:.2f} s); purge-* rows left: {left} "
              f"(expected {ACTIVE + RECENT})", flush=True)
        steady_plan = plan(uri)  # after the purge: few expired rows, the daily cron case
        print(f"[{name}] plan once purged (steady state):\n{steady_plan}", flush=True)
        subprocess.run([str(VENV / "python"), __file__, "--fill", uri], check=True, timeout=600)
        deleted, statement_seconds = timed_purge(uri).split()
        print(f"[{name}] purge function alone: {deleted} deleted in {statement_seconds} s", flush=True)
        results[name] = {"command_seconds": round(seconds, 2), "app_start_seconds": round(startup, 2),
                         "output": out.stdout.strip(), "rows_left": left, "plan": explain,
                         "steady_state_plan": steady_plan, "function_seconds": float(statement_seconds),
                         "function_deleted": int(deleted)}
    save("purge", results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fill"]:
        fill(sys.argv[2])
    else:
        main()
