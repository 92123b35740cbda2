"""RSS of the gunicorn workers idle, after GET load and after sign-in load, split into
anonymous and file-backed memory (/proc/<pid>/status), over a few fresh starts.

    .venv/bin/python bench/rss_workers.py [starts]     # 3 starts by default, about 30 s each
"""

import os
import re
import sys
import urllib.parse
from pathlib import Path

from common import APP_PORT, Gunicorn, app_env, save, wrk
from formpair import cookie_and_token
from post_login import EMAIL, PASSWORD, ensure_account


def memory(gunicorn) -> list[dict]:
    """RssAnon / RssFile / VmRSS of each worker (MB) once running requests are done."""
    gunicorn.worker_rss_mb()  # waits for the requests still running
    rows = []
    for pid in gunicorn.worker_pids():
        status = Path(f"/proc/{pid}/status").read_text()
        row = {key: round(int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024, 1)
               for key in ("VmRSS", "RssAnon", "RssFile")}
        rows.append(row)
    return rows


def main(starts: int = 3):
    ensure_account()
    base = f"http://127.0.0.1:{APP_PORT}"
    runs = []
    for index in range(min(starts, 5)):
        with Gunicorn("site_app:create_app()", APP_PORT, app_env(), log="rss") as app:
            idle = memory(app)
            wrk(base + "/login", seconds=6)
            wrk(base + "/help/create-account/", headers=["Accept-Encoding: gzip"], seconds=4)
            after_get = memory(app)
            cookie, token = cookie_and_token(base, "/login")
            body = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL,
                                           "password": PASSWORD, "next": ""})
            env = dict(os.environ, BENCH_PATH="/login", BENCH_BODY=body, BENCH_COOKIE=cookie)
            signins = wrk(base + "/login", script="post_form.lua", env=env, seconds=8)
            after_signin = memory(app)
        run = {"idle": idle, "after_get": after_get, "after_signin": after_signin,
               "signins_per_s": signins["rps"]}
        print(f"start {index + 1}: " + " | ".join(
            f"{stage} " + ", ".join(f"{w['VmRSS']} ({w['RssAnon']} anon + {w['RssFile']} file)"
                                    for w in run[stage])
            for stage in ("idle", "after_get", "after_signin")), flush=True)
        runs.append(run)
    save("rss_workers", {"runs": runs})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
