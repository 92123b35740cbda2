"""CPU time per request in-process (time.process_time, less sensitive to a busy machine)
for a few configuration variants: what each suggested app change would save.

    .venv/bin/python bench/variants.py
"""

import os
import sys
import time

from common import ROOT, app_env, save

os.environ.update(app_env())
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from site_app import create_app  # noqa: E402


def cpu_ms(app, path, n=300, headers=None):
    client = app.test_client()
    for _ in range(30):
        client.get(path, headers=headers).close()
    best = 1e9
    for _ in range(3):
        start = time.process_time()
        for _ in range(n):
            response = client.get(path, headers=headers)
            response.get_data()
            response.close()
        best = min(best, (time.process_time() - start) / n * 1000)
    return round(best, 3)


def bare(size):
    app = Flask("bare")
    body = b"x" * size
    app.add_url_rule("/", "page", lambda: (body, 200, {"Content-Type": "text/html"}))
    return app


def flask_only(config=None):
    """The app with its guide middleware (site_app.help_static) taken off: /help/ via Flask."""
    app = create_app(config)
    app.wsgi_app = app.wsgi_app.app
    return app


def main():
    gzip = {"Accept-Encoding": "gzip"}
    guide = "/help/create-account/"
    app = create_app()
    with app.test_client() as client:
        etag = client.get(guide, headers=gzip).headers["ETag"]
    results = {
        "bare 2953 B": cpu_ms(bare(2953), "/"),
        "GET /login default": cpu_ms(create_app(), "/login"),
        "GET /login RATELIMIT_ENABLED=False":
            cpu_ms(create_app({"RATELIMIT_ENABLED": False}), "/login"),
        "bare 27599 B": cpu_ms(bare(27599), "/"),
        "GET guide gzip (site_app.help_static)": cpu_ms(create_app(), guide, headers=gzip),
        "GET guide identity (site_app.help_static)": cpu_ms(create_app(), guide),
        "GET guide revisit 304 (site_app.help_static)":
            cpu_ms(create_app(), guide, headers={**gzip, "If-None-Match": etag}),
        "GET guide identity through Flask (middleware taken off)": cpu_ms(flask_only(), guide),
    }
    for name, value in results.items():
        print(f"{value:7.3f} ms CPU  {name}", flush=True)
    save("variants", results)


if __name__ == "__main__":
    main()
