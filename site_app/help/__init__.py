"""The help center inside the app: the built guide at /help/, help topics and /help/go/,
the guide's JSON endpoints (votes, failed searches, header state), ``flask help report``.
"""

from functools import partial

from flask import Flask

from .topics import help_url, resolve, topic_map

__all__ = ["help_url", "init_app", "resolve", "topic_map"]


def init_app(app: Flask) -> None:
    """Serve the guide's files before Flask; register the views, the API and the command."""
    from ..security.hosts import environ_is_served
    from ..security.safety import security_headers
    from . import api, script_hashes, views
    from .cli import help_cli
    from .static_files import serve_guide_files

    with app.app_context():
        script_hashes.warn_if_missing()
        serve_guide_files(app, security_headers("/help/"), partial(environ_is_served, app))
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(help_cli)
