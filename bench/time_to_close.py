"""Time to close, by hand (issue 19, item 4): does a reset for an existing address keep the
connection open longer than one for an unknown address?

Starts gunicorn (one sync worker) on a free loopback port over a throw-away SQLite
database, creates one account, then POSTs /password/forgot for it and for fresh addresses,
interleaved, over raw sockets: for each, the time until the answer's first bytes and until
the server closes the connection (what a client that waits for the close sees). Prints
the medians and the median of the differences within pairs. Nothing is asserted: the tests
check the structure (tests/test_deferred_jobs.py); this shows the size.

    .venv/bin/python bench/time_to_close.py [--rounds 200] [--delivery worker|background]
    .venv/bin/python bench/time_to_close.py --root /tmp/main-export   # another tree's app

The guide must be built (``make docs``, or ``--site DIR``).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
OWNER, PASSWORD = "owner@bench.example.org", "plaid-walrus-7391-quiet"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings(root: Path, database: Path, site: Path, delivery: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(root),
        "FLASK_SECRET_KEY": "bench-only",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "FLASK_HELP_SITE_DIR": str(site),
        "FLASK_OUTBOX_DELIVERY": f'"{delivery}"',
        "FLASK_MAIL_ACTIONS_PER_IP": '"100000 per hour"',
        "FLASK_MAIL_ACTIONS_PER_EMAIL": '"100000 per hour"',
        "NO_MKDOCS_2_WARNING": "1",
    }


def prepare(env: dict) -> None:
    """Create the schema and the account, in a process of its own (the chosen tree's app)."""
    script = (
        "from site_app import create_app\n"
        "try:\n"  # the layout since issue 20, then the one before it
        "    from site_app.accounts import rules as accounts\n"
        "except ImportError:\n"
        "    from site_app import accounts\n"
        "from site_app.extensions import db\n"
        "app = create_app()\n"
        "with app.test_request_context('/'):\n"
        "    db.create_all()\n"
        f"    accounts.register({OWNER!r}, {PASSWORD!r}, 'en')\n"
        f"    accounts.activate(accounts.find_user({OWNER!r}), 'en')\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)


def form(base: str) -> tuple[str, str]:
    """A CSRF token and the session cookie that goes with it."""
    with urlopen(Request(base + "/password/forgot"), timeout=30) as answer:
        token = CSRF.search(answer.read().decode()).group(1)
        cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
    return token, cookie


def timed_post(host: str, cookie: str, body: str) -> tuple[float, float]:
    """Milliseconds until the first bytes of the answer, and until the connection closes."""
    request = (
        f"POST /password/forgot HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    with socket.create_connection(tuple(host.split(":")), timeout=30) as connection:
        start = time.perf_counter()
        connection.sendall(request)
        first = connection.recv(65536)
        answered = time.perf_counter()
        assert first.startswith(b"HTTP/1.1 302"), first[:100]
        while connection.recv(65536):
            pass
        closed = time.perf_counter()
    return (answered - start) * 1000, (closed - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the tree whose site_app runs")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--delivery", default="worker", choices=["worker", "background"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = settings(args.root, Path(workdir) / "bench.db", args.site, args.delivery)
        prepare(env)
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", "1"]
        server = subprocess.Popen(
            [*command, "-k", "sync", "-b", f"127.0.0.1:{port}", "site_app:create_app()"],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            host = f"127.0.0.1:{port}"
            for _ in range(300):
                try:
                    token, cookie = form(f"http://{host}")
                    break
                except OSError:
                    time.sleep(0.1)
            times = {"known": [], "fresh": []}
            for n in range(args.rounds):
                probes = [("known", OWNER), ("fresh", f"fresh-{n}@bench.example.org")]
                for kind, address in probes if n % 2 else probes[::-1]:
                    body = urlencode({"csrf_token": token, "email": address})
                    times[kind].append(timed_post(host, cookie, body))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.rounds} pairs, {args.delivery} delivery, tree {args.root}")
    for index, label in ((0, "first bytes"), (1, "close")):
        known = [t[index] for t in times["known"]]
        fresh = [t[index] for t in times["fresh"]]
        gaps = [a - b for a, b in zip(known, fresh, strict=True)]
        print(
            f"  until {label:11}: median {statistics.median(known):.2f} ms with an account,"
            f" {statistics.median(fresh):.2f} ms without; median gap within pairs"
            f" {statistics.median(gaps):+.2f} ms; account slower in"
            f" {sum(g > 0 for g in gaps) * 100 // len(gaps)} % of pairs"
        )


if __name__ == "__main__":
    main()
