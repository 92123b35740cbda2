"""Every setting with a safe default.

Each key can be overridden from the environment with the ``FLASK_`` prefix
(``FLASK_SQLALCHEMY_DATABASE_URI``, ``FLASK_MAIL_SERVER`` …), read by
``app.config.from_prefixed_env()`` in :func:`site_app.create_app`.
"""

from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Languages offered everywhere; the first one is the default.
LANGUAGES = ["fr", "en", "ar"]
BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "UTC"
LANGUAGE_COOKIE = "lang"

#: The site's own address, e.g. "https://help.example.org": every link in a mail is built
#: from it, and requests for any other host are refused (400). Unset (development): only
#: loopback hosts are served (127.0.0.1, localhost, [::1], any port).
#: See site_app/security/hosts.py.
PUBLIC_URL = None

SQLALCHEMY_DATABASE_URI = None  # default: sqlite file in the instance folder
#: A pooled connection is checked before use (replaced if the database closed it) and
#: recycled after 30 minutes, before firewalls and proxies drop idle ones. A failed
#: statement's error (and so the logged traceback) leaves out its values: they are
#: people's addresses and messages.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 1800, "hide_parameters": True}

#: Accounts never activated are deleted after this delay (``flask accounts purge``).
ACTIVATION_DELAY = timedelta(hours=48)
PASSWORD_RESET_DELAY = timedelta(hours=1)
#: Changing the email address (site_app/accounts/email_changes.py): the confirmation link mailed to
#: the new address works this long; the "this wasn't me" link mailed to the old one, which
#: puts it back even after the change was confirmed, works this long.
EMAIL_CHANGE_DELAY = timedelta(hours=24)
EMAIL_CHANGE_REVERT_DELAY = timedelta(days=7)
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
#: argon2id parameters (OWASP minimum: 19 MiB, 2 passes, 1 lane).
ARGON2_MEMORY_COST = 19456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: Unset: cookies are Secure when PUBLIC_URL is https:// (false is then refused).
SESSION_COOKIE_SECURE = None
REMEMBER_COOKIE_HTTPONLY = True
PERMANENT_SESSION_LIFETIME = timedelta(days=14)
#: Server-side sessions one account may hold; a sign-in beyond ends the least recently used.
SESSIONS_PER_ACCOUNT = 20
MAX_CONTENT_LENGTH = 64 * 1024
MAX_FORM_MEMORY_SIZE = 64 * 1024
WTF_CSRF_TIME_LIMIT = 4 * 3600
#: The extensions' own switches, here so that settings.py reads them as booleans
#: (``FLASK_WTF_CSRF_ENABLED=False`` was the string "False", which is true).
WTF_CSRF_ENABLED = True
WTF_CSRF_SSL_STRICT = True  # over HTTPS, a form needs a same-origin Referer
RATELIMIT_ENABLED = True
#: Flask-Mail reads it once, at init_app; its own default is app.testing.
MAIL_SUPPRESS_SEND = False

#: Mail goes over SMTP as soon as MAIL_SERVER is set. Without it, mails stay queued in the
#: outbox (``flask outbox status``) until it is — or, with DEV_MAILBOX, are shown at /dev/mailbox.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Centre d'aide <no-reply@example.org>"
#: The service's name, as the mails' sender shows it in the inbox (« Centre d'aide Example »,
#: "Example help center", «مركز مساعدة Example»): only the address of MAIL_DEFAULT_SENDER is
#: used, its display name is this name in the mail's language (site_app/mail/wording.py).
SERVICE_NAME = "Example"
MAIL_TIMEOUT = 10
SUPPORT_EMAIL = "support@example.org"
#: Who delivers mails and runs the deferred jobs (site_app/mail/jobs.py): "background": a
#: thread of each process, right after the commit (after the response's close for a job);
#: "inline": before the response (tests); "worker": only ``flask outbox deliver --watch``.
OUTBOX_DELIVERY = "background"
OUTBOX_MAX_DELAY = timedelta(hours=1)
#: Sent mails are deleted this long after sending (``flask accounts purge``): their bodies
#: hold addresses and links. Mails still waiting are never deleted.
OUTBOX_RETENTION = timedelta(days=7)
#: Development only: with no MAIL_SERVER, mails are "delivered" to /dev/mailbox, which anyone
#: reaching the site can read (reset links included). ``make run`` sets FLASK_DEV_MAILBOX=true.
DEV_MAILBOX = False

#: Where the built help center lives (``make docs``), served at /help/.
HELP_SITE_DIR = str(PROJECT_ROOT / "site")
HELP_CACHE_MAX_AGE = 300
#: Count errors shown, help links followed … per topic, language and day for /editor
#: (site_app/editor/counting.py). Off, the report shows only votes, searches and messages.
HELP_COUNTING = True

RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False  # Retry-After is set by the 429 page (errors.py)
RATELIMIT_SWALLOW_ERRORS = True
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
#: Failed sign-ins from one address, and against one account (all addresses).
LOGIN_FAILURES_PER_IP = "5 per 5 minutes"
LOGIN_FAILURES_PER_ACCOUNT = "20 per hour"
#: Once an account's failures pass that limit, its password alone signs nobody in: the
#: right password mails a single-use sign-in link, valid this long, to the account.
SIGN_IN_LINK_DELAY = timedelta(minutes=15)
#: Mail-sending actions: per address, and per target email.
MAIL_ACTIONS_PER_IP = "10 per hour"
MAIL_ACTIONS_PER_EMAIL = "3 per hour"
#: Known browsers (site_app/accounts/known_browsers.py): the signed cookie that names the accounts a
#: browser signed in to (or signed up with), and how long it lasts. Such a browser has a
#: quota of MAIL_ACTIONS_PER_EMAIL of its own, and its own count of failed sign-ins.
KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_LIFETIME = timedelta(days=180)
#: The operators' credential for /healthz/details (the outbox backlog), sent as
#: ``Authorization: Bearer …``. Unset: no details endpoint (``flask outbox status`` still says).
HEALTH_TOKEN = None
#: Number of reverse proxies trusted to set X-Forwarded-For (0: none).
PROXY_FIX_X_FOR = 0

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
#: The contact form's own limits (never the sign-up or reset quotas): messages sent from one
#: client address, and acknowledgements mailed to one email address.
CONTACT_PER_IP = "10 per hour"
CONTACT_PER_EMAIL = "5 per hour"
#: Votes and failed-search reports from the guide, per address.
FEEDBACK_PER_IP = "30 per hour"
#: Requests to the passkey endpoints (site_app/passkeys/) from one network: options asked,
#: answers checked, on the sign-in page and the account page together. Never counted as
#: password failures: a network blocked for them (B2) still signs in with a passkey.
PASSKEYS_PER_IP = "30 per 5 minutes"
