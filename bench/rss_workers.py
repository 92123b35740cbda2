"""RSS of one gunicorn worker: idle, after GET load, during and after sign-in load.

Split into anonymous and file-backed memory (/proc/<pid>/status), for three settings,
each over a few fresh starts (2 workers each):

* ``production``: PostgreSQL (database `bench`) and Redis, as in README "Production";
* ``production -OO``: the same with ``PYTHONOPTIMIZE=2`` (no docstrings, no asserts);
* ``embedded``: the embedded defaults (SQLite file, limits in memory), and the same -OO.

Stages: ``idle`` (after start), ``after_get`` (6 s GET /login + 4 s of a guide page),
``signin_load`` (0.5 s after 8 s of POST /login: what a busy worker holds) and
``after_signin`` (5 s later: the worker has been idle longer than
ARGON2_RELEASE_AFTER_IDLE and gave argon2id's memory back).

    .venv/bin/python bench/rss_workers.py [starts]     # 2 starts by default, ~30 s each
"""

import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from common import APP_PORT, VENV, Gunicorn, app_env, save, wrk
from formpair import cookie_and_token
from post_login import EMAIL, PASSWORD, ensure_account

EMBEDDED_DB = "sqlite:////tmp/bench-embedded.db"
SETTINGS = {
    "production": {},
    "production -OO": {"PYTHONOPTIMIZE": "2"},
    "embedded": {"FLASK_SQLALCHEMY_DATABASE_URI": EMBEDDED_DB,
                 "FLASK_RATELIMIT_STORAGE_URI": "memory://"},
    "embedded -OO": {"FLASK_SQLALCHEMY_DATABASE_URI": EMBEDDED_DB,
                     "FLASK_RATELIMIT_STORAGE_URI": "memory://", "PYTHONOPTIMIZE": "2"},
}


def memory(gunicorn, settle: float) -> list[dict]:
    """VmRSS / RssAnon / RssFile of each worker (MB) after ``settle`` seconds."""
    time.sleep(settle)
    rows = []
    for pid in gunicorn.worker_pids():
        status = Path(f"/proc/{pid}/status").read_text()
        rows.append({key: round(int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024, 1)
                     for key in ("VmRSS", "RssAnon", "RssFile")})
    return rows


def prepare_embedded() -> None:
    env = app_env(FLASK_SQLALCHEMY_DATABASE_URI=EMBEDDED_DB)
    subprocess.run([str(VENV / "flask"), "db", "upgrade"], env=env, check=True,
                   capture_output=True, timeout=120)
    ensure_account(EMBEDDED_DB)


def one_start(extra: dict) -> dict:
    base = f"http://127.0.0.1:{APP_PORT}"
    with Gunicorn("site_app:create_app()", APP_PORT, app_env(**extra), log="rss") as app:
        run = {"idle": memory(app, 2)}
        wrk(base + "/login", seconds=6)
        wrk(base + "/help/create-account/", headers=["Accept-Encoding: gzip"], seconds=4)
        run["after_get"] = memory(app, 2)
        cookie, token = cookie_and_token(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL,
                                       "password": PASSWORD, "next": ""})
        env = dict(os.environ, BENCH_PATH="/login", BENCH_BODY=body, BENCH_COOKIE=cookie)
        run["signins_per_s"] = wrk(base + "/login", script="post_form.lua", env=env, seconds=8)["rps"]
        run["signin_load"] = memory(app, 0.5)
        run["after_signin"] = memory(app, 5)
    return run


def main(starts: int = 2):
    ensure_account()
    prepare_embedded()
    results = {}
    for name, extra in SETTINGS.items():
        results[name] = []
        for index in range(min(starts, 5)):
            run = one_start(extra)
            print(f"{name}, start {index + 1}: " + " | ".join(
                f"{stage} " + ", ".join(f"{w['VmRSS']} ({w['RssAnon']}+{w['RssFile']})"
                                        for w in run[stage])
                for stage in ("idle", "after_get", "signin_load", "after_signin"))
                + f" | {run['signins_per_s']} sign-ins/s", flush=True)
            results[name].append(run)
    save("rss_workers", results)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
