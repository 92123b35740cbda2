"""Fetch one session cookie + CSRF token pair from a page of the app (loopback)."""

import re
import urllib.request


def cookie_and_token(base: str, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        html = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return cookie, token.group(1)


def post(base: str, path: str, cookie: str, body: str):
    """One POST without following redirects: (status, Location)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + path, data=body.encode(), method="POST", headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")
