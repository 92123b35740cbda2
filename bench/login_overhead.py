"""CPU of a successful POST /login *beyond* the password check, in-process.

The argon2id verification is replaced by a constant answer so that what is left —
Flask, the form and its CSRF token, the limiter (Redis), the database (PostgreSQL),
the session — can be measured on its own, with `time.process_time` (this process
only: PostgreSQL's and Redis's own CPU is not in it). `--profile` writes a cProfile.

    .venv/bin/python bench/login_overhead.py [--profile] [count]
"""

import os
import re
import sys
import time

from common import RESULTS, ROOT, app_env, save

os.environ.update(app_env())
sys.path.insert(0, str(ROOT))

from post_login import EMAIL, PASSWORD, ensure_account  # noqa: E402

from site_app import accounts, create_app  # noqa: E402


def signed_in_client(app):
    """Like wrk: one cookie + CSRF token pair, sent again with every request."""
    client = app.test_client(use_cookies=False)
    response = client.get("/login")
    html = response.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    client.environ_base["HTTP_COOKIE"] = cookie
    return client, {"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": ""}


def one(client, form):
    response = client.post("/login", data=form)
    assert response.status_code == 302, response.status_code
    response.close()


def main(count=400, profile=False):
    ensure_account()
    accounts.verify_password = lambda password_hash, password: True
    app = create_app({"OUTBOX_DELIVERY": "worker"})
    client, form = signed_in_client(app)
    for _ in range(20):
        one(client, form)
    best = None
    for _ in range(3):
        start = time.process_time()
        for _ in range(count):
            one(client, form)
        cpu = (time.process_time() - start) / count * 1000
        best = cpu if best is None else min(best, cpu)
    result = {"post_login_cpu_beyond_verify_ms": round(best, 3), "count": count}
    print(result, flush=True)
    save("login_overhead", result)
    if profile:
        import cProfile
        import io
        import pstats

        from profile_app import by_package

        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
        profiler.enable()
        for _ in range(count):
            one(client, form)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        print(by_package(stats), file=out)
        stats.sort_stats("tottime").print_stats(45)
        stats.sort_stats("cumulative").print_stats(60)
        (RESULTS / "profile-login-overhead.txt").write_text(out.getvalue())
        print(out.getvalue()[:12000])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--profile"]
    main(int(args[0]) if args else 400, "--profile" in sys.argv)
