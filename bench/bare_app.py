"""The baseline: a bare Flask app returning a constant page (no template, no session).

``GET /<size>`` answers a constant HTML page of exactly ``size`` bytes (built once,
then reused), so one server gives the baseline for every page size. Run it under the
same gunicorn settings as the app:

    .venv/bin/gunicorn -w 2 -b 127.0.0.1:8102 'bench.bare_app:create_app()'

``POST /verify`` is the floor of any sign-in on this stack: it reads the form's
``password``, verifies it against ``BARE_PASSWORD_HASH`` with argon2-cffi and answers
302 — no session, no CSRF token, no database, no limiter.
"""

import os

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from flask import Flask, request

HEAD = b"<!doctype html><html><head><title>bare</title></head><body><p>"
TAIL = b"</p></body></html>\n"


def create_app() -> Flask:
    app = Flask(__name__)
    pages: dict[int, bytes] = {}

    @app.route("/help/")
    def ready():
        return "ok"

    hasher = PasswordHasher()  # the parameters are read from the hash itself

    @app.post("/verify")
    def verify():
        try:
            hasher.verify(os.environ["BARE_PASSWORD_HASH"], request.form.get("password", ""))
        except VerifyMismatchError:
            return "no", 422
        return "", 302, {"Location": "/account"}

    @app.route("/<int:size>")
    def page(size):
        body = pages.get(size)
        if body is None:
            body = pages[size] = HEAD + b"x" * max(size - len(HEAD) - len(TAIL), 0) + TAIL
        return body, 200, {"Content-Type": "text/html; charset=utf-8"}

    return app
