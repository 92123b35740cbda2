"""The anonymous form pages, rendered once per language.

The sign-in and sign-up pages look the same to every visitor who is not signed
in, has no message waiting and asks with no query string — except for the CSRF
token of their session. Those pages are rendered once per language (and per
build of the guide, whose links they carry); each visitor gets the copy with
their own token put in. Kept on evidence (bench/README.md, two runs): without it
the sign-in page costs 2.1–2.7 ms of worker CPU instead of 0.7–0.8, more than
Flask-Security-Too's page (1.4–1.7 ms), where the goal is 1.5× its throughput.
``tests/test_page_cache.py`` fails if a cached page shows anything of one visitor
to another.
"""

from functools import wraps

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..help.topics import topic_map_version

PLACEHOLDER = "csrf-token-placeholder-7c1e"


def _cacheable() -> bool:
    return (
        request.method == "GET"
        and not request.query_string
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def cached_for_anonymous(view):
    """Serve ``view``'s page from the per-language cache when nothing in it is personal."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        token = generate_csrf()
        cache = current_app.extensions.setdefault("page_cache", {})
        key = (request.endpoint, str(get_locale()), topic_map_version())
        page = cache.get(key)
        if page is None:
            answer = view(*args, **kwargs)
            body, status = answer if isinstance(answer, tuple) else (answer, 200)
            if status != 200 or not isinstance(body, str) or token not in body:
                return answer
            page = cache[key] = body.replace(token, PLACEHOLDER)
        return page.replace(PLACEHOLDER, token)

    wrapper.served_from_page_cache = True  # tests/test_page_cache.py finds the pages by it
    return wrapper
