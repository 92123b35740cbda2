"""The account app of the help center: a Flask application factory."""

import os
import secrets
import time
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .settings import check_settings


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults from :mod:`site_app.config`, then ``FLASK_*`` variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config)
    boolean_keys = {key for key, value in app.config.items() if isinstance(value, bool)}
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    # A wrong value stops here, naming its key (FLASK_DEV_MAILBOX=False is false).
    check_settings(app.config, boolean_keys, overridden=test_config or {})
    _finish_config(app)

    from . import errors, help, i18n, mail
    from .accounts import cli, known_browsers
    from .extensions import babel, csrf, db, limiter, login_manager
    from .extensions import mail as flask_mail
    from .limits import kept_page
    from .main import health
    from .security import hosts, safety

    hosts.init_app(app)  # first: a wrong PUBLIC_URL stops here; other hosts are refused first
    db.init_app(app)
    if app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        # `flask db …` needs Alembic; web workers do not.
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    flask_mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    _init_login(app, login_manager)
    i18n.init_app(app)
    safety.init_app(app)
    errors.init_app(app)
    kept_page.init_app(app)
    known_browsers.init_app(app)
    mail.init_app(app)
    help.init_app(app)
    from . import situation  # after help: /api/situation beside the guide's API

    situation.init_app(app)
    cli.init_app(app)

    from . import editor, main, templating
    from .account import email_views as email_change
    from .account import views as account
    from .auth import views as auth
    from .contact import views as contact
    from .passkeys import views as passkeys

    app.register_blueprint(main.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(contact.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(email_change.bp)
    app.register_blueprint(passkeys.bp)
    editor.init_app(app)
    templating.init_app(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))
    return app


def _finish_config(app: Flask) -> None:
    """Fill the defaults that depend on the instance folder; never hard-code a secret."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'site.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")


def _instance_secret(key_file: Path) -> str:
    """Read the development secret, creating it once (atomically: workers may race)."""
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        secret = key_file.read_text().strip()
        if secret:
            return secret
        time.sleep(0.01)
    raise RuntimeError(f"{key_file} is empty: delete it or set FLASK_SECRET_KEY")


def _init_login(app: Flask, login_manager) -> None:
    from flask import request
    from flask_babel import lazy_gettext as _l

    from .accounts import sessions
    from .extensions import db

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_id):
        """The cookie names a server-side session: no row, no sign-in (see sessions.py)."""
        user, changed = sessions.load_session(session_id, request.remote_addr)
        if changed:
            db.session.commit()
        return user
