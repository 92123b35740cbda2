"""POST /login with correct credentials against the argon2id bound (alternated pairs).

The bound: as many processes as gunicorn workers, each verifying the account's hash
(m=19456 KiB, t=2, p=1) in a loop; their summed verifications per second.

    .venv/bin/python bench/post_login.py
    BENCH_WORKERS=4 .venv/bin/python bench/post_login.py

BENCH_WORKERS (2): gunicorn workers, and as many verifying processes for the bound.
BENCH_MALLOC (0): also run the pair with MALLOC_MMAP_THRESHOLD_=131072.
"""

import multiprocessing
import os
import statistics
import sys
import time
import urllib.parse

from common import APP_PORT, BARE_PORT, ROOT, WRK_SECONDS, Gunicorn, app_env, pairs, save, wrk
from formpair import cookie_and_token, post

EMAIL = "bench-login@bench.example.org"
PASSWORD = "plaid-walrus-7391-quiet"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def ensure_account(database_uri: str | None = None) -> str:
    """Create and activate the account once; return its password hash."""
    os.environ.update(app_env())
    sys.path.insert(0, str(ROOT))
    from site_app import accounts, create_app

    extra = {"SQLALCHEMY_DATABASE_URI": database_uri} if database_uri else {}
    app = create_app({"OUTBOX_DELIVERY": "worker", **extra})
    with app.test_request_context("/"):  # mails build absolute links
        user = accounts.find_user(EMAIL)
        if user is None:
            accounts.register(EMAIL, PASSWORD, "fr")
            user = accounts.find_user(EMAIL)
        if user.activated_at is None:
            accounts.activate(user, "fr")
        config = app.config
        return user.password_hash, (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"],
                                    config["ARGON2_PARALLELISM"])


def _verify_loop(password_hash, params, seconds, queue):
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(times) < 100_000:
        start = time.perf_counter()
        hasher.verify(password_hash, PASSWORD)
        times.append(time.perf_counter() - start)
    queue.put(times)


def argon2_bound(password_hash, params, seconds=WRK_SECONDS) -> dict:
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_verify_loop, args=(password_hash, params, seconds, queue))
             for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    times = [t for _ in procs for t in queue.get(timeout=seconds + 60)]
    for proc in procs:
        proc.join(timeout=10)
    times.sort()
    return {"rps": round(len(times) / seconds, 2), "p50": round(1000 * statistics.median(times), 2),
            "p99": round(1000 * times[int(0.99 * (len(times) - 1))], 2), "verifications": len(times)}


def main():
    password_hash, params = ensure_account()
    print("argon2 parameters (t, m, p):", params, flush=True)
    base = f"http://127.0.0.1:{APP_PORT}"
    with Gunicorn("site_app:create_app()", APP_PORT, app_env(), workers=WORKERS) as ours:
        cookie, token = cookie_and_token(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": ""})
        status, location = post(base, "/login", cookie, body)
        print("one sign-in:", status, location, flush=True)
        assert status == 302 and "/account" in (location or ""), "sign-in does not succeed"
        env = dict(os.environ, BENCH_PATH="/login", BENCH_BODY=body, BENCH_COOKIE=cookie)
        results = {"argon2_params": params, "workers": WORKERS, "runs": [pairs(
            "POST /login vs argon2id bound",
            lambda: wrk(base + "/login", script="post_form.lua", env=env),
            lambda: argon2_bound(password_hash, params),
        )], "rss_after_mb": ours.worker_rss_mb(settle=5.0)}
        print("worker RSS after", results["rss_after_mb"], flush=True)
    # The floor of any sign-in here: a bare Flask app that only verifies the password.
    with Gunicorn("bench.bare_app:create_app()", BARE_PORT, app_env(BARE_PASSWORD_HASH=password_hash),
                  workers=WORKERS, log="bare-verify"):
        bare_env = dict(os.environ, BENCH_PATH="/verify", BENCH_BODY=urllib.parse.urlencode(
            {"password": PASSWORD}), BENCH_COOKIE="none=1")
        results["bare_verify"] = {"runs": [pairs(
            "bare Flask POST /verify vs argon2id bound",
            lambda: wrk(f"http://127.0.0.1:{BARE_PORT}/verify", script="post_form.lua", env=bare_env),
            lambda: argon2_bound(password_hash, params),
        )]}
    if os.environ.get("BENCH_MALLOC", "0") == "0":
        save(f"post_login-w{WORKERS}", results)
        return
    # The same load with glibc's dynamic mmap threshold off: argon2's 19 MiB block is
    # then unmapped after each verification instead of staying in the heap.
    with Gunicorn("site_app:create_app()", APP_PORT, app_env(MALLOC_MMAP_THRESHOLD_=131072),
                  workers=WORKERS, log="malloc") as fixed:
        cookie, token = cookie_and_token(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": ""})
        env = dict(os.environ, BENCH_PATH="/login", BENCH_BODY=body, BENCH_COOKIE=cookie)
        results["malloc_mmap_threshold_131072"] = {"runs": [pairs(
            "POST /login (MALLOC_MMAP_THRESHOLD_=131072) vs argon2id bound",
            lambda: wrk(base + "/login", script="post_form.lua", env=env),
            lambda: argon2_bound(password_hash, params), rounds=2,
        )], "rss_after_mb": fixed.worker_rss_mb()}
        print("worker RSS after (MALLOC_MMAP_THRESHOLD_=131072)",
              results["malloc_mmap_threshold_131072"]["rss_after_mb"])
    save("post_login", results)


if __name__ == "__main__":
    main()
