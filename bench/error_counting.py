"""What counting costs an error page (issue 25): GET of a missing page, the 404 page, with
``HELP_COUNTING`` on and off, side by side in one run, by hand.

Two apps on one database, one counting and one not, answer the same requests in
alternating rounds (the order rotated each round), so both meet the same load of this
shared machine. Per database (a SQLite file, and PostgreSQL at 127.0.0.1 when it runs, in
a schema of its own), it prints the median time of a page over the rounds, wall clock and
this process's CPU, and the difference. With ``--threads N`` (PostgreSQL), N threads ask at
once: every count then goes to the same row (one topic, language and day), the worst case
for the upsert's row lock.

    .venv/bin/python bench/error_counting.py [--rounds 9] [--pages 300] [--threads 4]

Needs the built guide (``make docs``, or ``--site DIR``); the figures are written by hand
into bench/README.md and the README ("The editors' report"). Nothing is asserted.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from sqlalchemy import create_engine, text  # noqa: E402

from site_app import create_app  # noqa: E402
from site_app.editor.counting import HelpCount  # noqa: E402
from site_app.extensions import db  # noqa: E402

POSTGRES = os.environ.get("BENCH_DB", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
SCHEMA = "bench_error_counting"


def postgres_uri() -> str | None:
    """The bench database, in a schema of this script's own (created afresh), or None."""
    try:
        admin = create_engine(
            POSTGRES.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            name = POSTGRES.rsplit("/", 1)[1]
            if not connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(POSTGRES)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure: no PostgreSQL here
        print(f"PostgreSQL skipped: {str(error).splitlines()[0]}")
        return None
    return f"{POSTGRES}?options=-csearch_path%3D{SCHEMA}"


def make_apps(uri: str, site: str):
    """The same app twice on one database: counting, and not."""
    apps = {}
    for counting in (True, False):
        app = create_app(
            {
                "SECRET_KEY": "bench-only",
                "SQLALCHEMY_DATABASE_URI": uri,
                "HELP_SITE_DIR": site,
                "HELP_COUNTING": counting,
                "RATELIMIT_STORAGE_URI": "memory://",
                "PUBLIC_URL": "http://localhost",
            }
        )
        with app.app_context():
            db.create_all()
        apps[counting] = app
    return apps


def one_round(app, pages: int, threads: int) -> tuple[float, float]:
    """Seconds of wall clock and of this process's CPU per page, ``pages`` pages."""

    def ask(count):
        client = app.test_client()
        for _ in range(count):
            answer = client.get("/no-such-page")
            assert answer.status_code == 404, answer.status_code

    per_thread = pages // threads
    workers = [threading.Thread(target=ask, args=(per_thread,)) for _ in range(threads)]
    wall, cpu = time.perf_counter(), time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    done = per_thread * threads
    return (time.perf_counter() - wall) / done, (time.process_time() - cpu) / done


def measure(name: str, uri: str, site: str, rounds: int, pages: int, threads: int) -> None:
    apps = make_apps(uri, site)
    for app in apps.values():  # warm up: templates compiled, connections opened
        one_round(app, 20, 1)
    results = {True: [], False: []}
    for n in range(rounds):
        for counting in (True, False) if n % 2 == 0 else (False, True):
            results[counting].append(one_round(apps[counting], pages, threads))
    with apps[True].app_context():
        counted = db.session.query(db.func.sum(HelpCount.count)).scalar() or 0
    for app in apps.values():  # no pooled connection left to hold the tables
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    with apps[True].app_context():
        db.drop_all()
    expected = (rounds * pages // threads * threads) + 20
    on_wall = statistics.median(w for w, _ in results[True]) * 1e6
    off_wall = statistics.median(w for w, _ in results[False]) * 1e6
    on_cpu = statistics.median(c for _, c in results[True]) * 1e6
    off_cpu = statistics.median(c for _, c in results[False]) * 1e6
    pairs = zip(results[True], results[False], strict=True)
    rounds_text = " ".join(f"{w * 1e6:.0f}/{o * 1e6:.0f}" for (w, _), (o, _) in pairs)
    print(
        f"{name}, {threads} thread(s): counting {on_wall:.0f} µs per page, not counting "
        f"{off_wall:.0f} µs: +{on_wall - off_wall:.0f} µs (+{100 * (on_wall / off_wall - 1):.0f} %)"
        f" wall; CPU {on_cpu:.0f} vs {off_cpu:.0f} µs (+{on_cpu - off_cpu:.0f}); "
        f"rounds (µs, on/off) {rounds_text}; "
        f"{counted} counted of {expected} pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    options = parser.parse_args()
    if not (Path(options.site) / "topics.json").is_file():
        sys.exit(f"{options.site} has no built guide: make docs, or --site DIR")
    print(
        f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, "
        f"{options.rounds} rounds of {options.pages} pages"
    )
    with tempfile.TemporaryDirectory() as folder:
        if options.only != "postgresql":
            measure(
                "SQLite (file)",
                f"sqlite:///{folder}/bench.db",
                options.site,
                options.rounds,
                options.pages,
                1,
            )
    uri = postgres_uri() if options.only != "sqlite" else None
    if uri:
        measure("PostgreSQL", uri, options.site, options.rounds, options.pages, 1)
        if options.threads > 1:
            measure("PostgreSQL", uri, options.site, options.rounds, options.pages, options.threads)


if __name__ == "__main__":
    main()
