"""The baseline: a bare Flask app returning a constant page (no template, no session).

``GET /<size>`` answers a constant HTML page of exactly ``size`` bytes (built once,
then reused), so one server gives the baseline for every page size. Run it under the
same gunicorn settings as the app:

    .venv/bin/gunicorn -w 2 -b 127.0.0.1:8102 'bench.bare_app:create_app()'
"""

from flask import Flask

HEAD = b"<!doctype html><html><head><title>bare</title></head><body><p>"
TAIL = b"</p></body></html>\n"


def create_app() -> Flask:
    app = Flask(__name__)
    pages: dict[int, bytes] = {}

    @app.route("/help/")
    def ready():
        return "ok"

    @app.route("/<int:size>")
    def page(size):
        body = pages.get(size)
        if body is None:
            body = pages[size] = HEAD + b"x" * max(size - len(HEAD) - len(TAIL), 0) + TAIL
        return body, 200, {"Content-Type": "text/html; charset=utf-8"}

    return app
