"""The built guide's files, answered before Flask by WhiteNoise.

A guide page is a static file: it needs no session, no limiter and no template.
WhiteNoise serves ``HELP_SITE_DIR`` from a table it makes when the app starts: the
gzip copy ``make docs`` writes beside each text file, an ETag (a revisit gets a
304), and the same security headers as every page. So production restarts its
workers after a guide rebuild (README, Production). Whatever is not a file — the
/help/ root with its language redirect, /help/go/<topic>, a missing page — and a
request for a host the site does not serve go on to Flask
(:mod:`site_app.help.views`, :mod:`site_app.security.hosts`).

WhiteNoise replaced a hand-written middleware on evidence (bench/README.md, two
runs): as fast or faster (1.1–1.3× a bare Flask page's throughput against
1.0–1.2×, 11–12 µs per page in-process against 33–45), and a kept library.
"""

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise


def serve_guide_files(app: Flask, headers: dict[str, str], accept: Callable[[dict], bool]) -> None:
    """Put WhiteNoise in front of ``app`` for the guide's files under /help/.

    ``accept(environ)``: False leaves the request to Flask (which refuses other hosts).
    """

    def add_headers(response_headers, path, url):
        for name, value in headers.items():
            response_headers[name] = value
        if path.endswith(".html"):  # revalidated on each visit (ETag → 304)
            response_headers["Cache-Control"] = "no-cache"

    flask_app = app.wsgi_app
    files = WhiteNoise(
        flask_app,
        max_age=app.config["HELP_CACHE_MAX_AGE"],
        allow_all_origins=False,  # the guide is read on this origin only
        index_file=True,
        add_headers_function=add_headers,
    )
    site = Path(app.config["HELP_SITE_DIR"])
    if site.is_dir():  # a guide not built is the views' 503
        files.add_files(site, prefix="/help/")
        files.files.pop("/help/", None)  # the root follows the reader's language (views)

    def guide_files(environ, start_response):
        return (files if accept(environ) else flask_app)(environ, start_response)

    app.wsgi_app = guide_files
