"""The guide page served by the prototype middleware (help_static_proto.py) against the
bare page, to measure the suggested change. Same gunicorn settings, alternated pairs.

    .venv/bin/python bench/proto_pages.py
"""

from common import APP_PORT, BARE_PORT, Gunicorn, app_env, pairs, save, wrk
from get_pages import GUIDE, fetch


def main():
    app = f"http://127.0.0.1:{APP_PORT}"
    bare = f"http://127.0.0.1:{BARE_PORT}"
    with Gunicorn("bench.help_static_proto:create_app()", APP_PORT, app_env(), log="proto"), \
         Gunicorn("bench.bare_app:create_app()", BARE_PORT, app_env(), log="bare"):
        body, _ = fetch(app + GUIDE)
        _, headers = fetch(app + GUIDE, {"Accept-Encoding": "gzip"})
        gzip = "Accept-Encoding: gzip"
        results = {"runs": [
            pairs(f"PROTO GET {GUIDE} (gzip)", lambda: wrk(app + GUIDE, headers=[gzip]),
                  lambda: wrk(f"{bare}/{len(body)}")),
            pairs(f"PROTO GET {GUIDE} revisit (304)",
                  lambda: wrk(app + GUIDE, headers=[gzip, f"If-None-Match: {headers['ETag']}"]),
                  lambda: wrk(f"{bare}/{len(body)}")),
        ]}
    save("proto_pages", results)


if __name__ == "__main__":
    main()
