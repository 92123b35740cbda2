"""GET /login and a guide page against the bare page of the same size (alternated pairs).

    .venv/bin/python bench/get_pages.py      # BENCH_ROUNDS=2 BENCH_WRK_SECONDS=8 by default
    BENCH_PAGES=login BENCH_ROUNDS=4 .venv/bin/python bench/get_pages.py   # one pair only

BENCH_PAGES: run only the pairs whose name contains it ("login", "304", "gzip", ...).
"""

import os
import urllib.request

from common import APP_PORT, BARE_PORT, Gunicorn, app_env, pairs, save, wrk

GUIDE = "/help/create-account/"


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), response.headers


def main():
    app = f"http://127.0.0.1:{APP_PORT}"
    bare = f"http://127.0.0.1:{BARE_PORT}"
    with Gunicorn("site_app:create_app()", APP_PORT, app_env()) as ours, \
         Gunicorn("bench.bare_app:create_app()", BARE_PORT, app_env(), log="bare"):
        login_body, _ = fetch(app + "/login")
        guide_body, guide_headers = fetch(app + GUIDE)
        gz_body, gz_headers = fetch(app + GUIDE, {"Accept-Encoding": "gzip"})
        assert gz_headers["Content-Encoding"] == "gzip", "guide pages are not compressed"
        sizes = {"login": len(login_body), "guide": len(guide_body), "guide_gzip": len(gz_body)}
        print("sizes:", sizes, flush=True)
        gz_etag = gz_headers["ETag"]
        gzip = "Accept-Encoding: gzip"
        only = os.environ.get("BENCH_PAGES", "")
        pairs_if = lambda name, *args: pairs(name, *args) if only in name else None  # noqa: E731
        results = {"sizes": sizes, "rss_idle_mb": ours.worker_rss_mb(), "runs": [
            pairs_if("GET /login", lambda: wrk(app + "/login"),
                  lambda: wrk(f"{bare}/{sizes['login']}")),
            pairs_if(f"GET {GUIDE} (gzip)", lambda: wrk(app + GUIDE, headers=[gzip]),
                  lambda: wrk(f"{bare}/{sizes['guide']}")),
            pairs_if(f"GET {GUIDE} (gzip) vs bare of gzip size",
                  lambda: wrk(app + GUIDE, headers=[gzip]),
                  lambda: wrk(f"{bare}/{sizes['guide_gzip']}")),
            pairs_if(f"GET {GUIDE} (identity)", lambda: wrk(app + GUIDE),
                  lambda: wrk(f"{bare}/{sizes['guide']}")),
            pairs_if(f"GET {GUIDE} revisit (304)",
                  lambda: wrk(app + GUIDE, headers=[gzip, f"If-None-Match: {gz_etag}"]),
                  lambda: wrk(f"{bare}/{sizes['guide']}")),
        ]}
        results["runs"] = [run for run in results["runs"] if run]
        results["rss_after_mb"] = ours.worker_rss_mb()
        print("worker RSS idle", results["rss_idle_mb"], "after", results["rss_after_mb"])
    save("get_pages" + (f"-{only}" if only else ""), results)


if __name__ == "__main__":
    main()
