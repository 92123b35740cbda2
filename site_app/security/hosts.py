"""The site's own address (``PUBLIC_URL``): which hosts are served, how mail links are built.

A link in a mail must never follow the request's ``Host`` header: whoever sends
``Host: evil.example`` with someone else's address would get that person a
reset link to their own server. So mail links are built from ``PUBLIC_URL``
alone, and a request for any other host is refused (400) before anything runs:
no limit is counted, no form is read, no mail is queued. With ``PUBLIC_URL``
unset (development) only loopback hosts are served, on any port, and mail links
use the host of the request, which is then loopback.

Flask's ``TRUSTED_HOSTS`` refuses the same requests, but it does so while the
URL adapter is built, which leaves the error page without ``url_for``, and its
matching drops ``[::1]``; the check is therefore a first ``before_request``.
"""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.exceptions import BadRequest
from werkzeug.wsgi import get_host

from ..settings import HOST, parse_public_url

log = logging.getLogger(__name__)

#: Hosts served when ``PUBLIC_URL`` is unset (development), on any port.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Mail links outside any request (command line) when ``PUBLIC_URL`` is unset: ``make run``.
DEVELOPMENT_URL = "http://127.0.0.1:5000"
#: Answered whatever the host: load balancers probe with the machine's address.
ANY_HOST_PATHS = ("/healthz", "/healthz/details")


class HostNotServed(BadRequest):
    """A request for a host this site does not serve; ``errors.py`` renders it."""

    reference = "E400-HOST"


def hostname(host: str) -> str | None:
    """The host name of a ``Host`` value (lower case, IPv6 without brackets), or None."""
    match = HOST.fullmatch(host or "")
    if match is None:
        return None
    return (match["ipv6"] or match["name"]).lower().rstrip(".")


def served_hostnames(app: Flask) -> frozenset[str]:
    """The host names this app answers to."""
    public_url = app.config["PUBLIC_URL"]
    if public_url is None:
        return LOOPBACK_HOSTS
    return frozenset({urlsplit(public_url).hostname})


def is_served(app: Flask, host: str) -> bool:
    """Tell whether a request with this ``Host`` value is one for this site."""
    return hostname(host) in served_hostnames(app)


def environ_is_served(app: Flask, environ) -> bool:
    """:func:`is_served` for a WSGI environ (the guide's files are answered before Flask)."""
    return environ.get("PATH_INFO") in ANY_HOST_PATHS or is_served(app, get_host(environ))


def public_base_url() -> str:
    """Where mail links point: ``PUBLIC_URL``; unset, the (loopback) host of the request."""
    configured = current_app.config["PUBLIC_URL"]
    if configured:
        return configured
    if has_request_context() and is_served(current_app, request.host):
        return request.host_url.rstrip("/")
    return DEVELOPMENT_URL


def public_url_for(endpoint: str, **values) -> str:
    """An absolute link to ``endpoint`` on the site's own address, for mails.

    Works without a request (command line, threads): nothing in it comes from
    the request but, in development only, its loopback host.
    """
    parts = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    """Check ``PUBLIC_URL`` (a wrong value stops the start) and refuse other hosts first."""
    app.config["PUBLIC_URL"] = public_url = parse_public_url(app.config.get("PUBLIC_URL"))
    if public_url:
        # url_for(..., _external=True) anywhere then names the site, never the Host header.
        parts = urlsplit(public_url)
        app.config["SERVER_NAME"] = parts.netloc
        app.config["PREFERRED_URL_SCHEME"] = parts.scheme

    def refuse_other_hosts():
        if request.path in ANY_HOST_PATHS or is_served(app, request.host):
            return
        log.warning(
            "refused a request for host %r (served: %s; set PUBLIC_URL)",
            request.host,
            ", ".join(sorted(served_hostnames(app))),
        )
        raise HostNotServed()

    # First of all: before the limiter counts anything or a form is read.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_other_hosts)
