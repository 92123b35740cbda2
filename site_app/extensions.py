"""Extension objects, created unbound and initialised in :func:`create_app`.

Who commits (the one convention of the app): a *rule* — a public function of
``accounts/rules.py``, the B3 mail job of ``accounts/sign_in.py``, ``contact/messages.py``,
``help/feedback.py`` — is one transaction: it commits its change with the mails it queued,
then hands them to delivery (:func:`site_app.mail.outbox.commit_and_dispatch`). *Helpers*
(``sessions``, ``tokens``, ``retention``, ``known_browsers``, ``notifications``,
``sign_in.authenticate``, ``queue_mail``) never commit: the rule, view or command that calls
them does, once (a sign-in: the view, with the session it opens).
"""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .security.network import client_network

#: Constraint names fixed so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A session lives for one request; what it just committed need not be read back
#: (with expiry, signing in read the account a second time after its commit).
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False},
)
login_manager = LoginManager()
mail = Mail()
babel = Babel()
csrf = CSRFProtect()


#: Keyed on the client's network (IPv4 address, IPv6 /64), like the limits of limits/.
limiter = Limiter(key_func=client_network)
