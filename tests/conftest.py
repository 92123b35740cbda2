"""Fixtures: the app on SQLite and PostgreSQL, a real SMTP server, the built guide.

Tests that need PostgreSQL or Redis fail when ``CI=true`` and the service is
missing; elsewhere they are skipped with a message saying why.
"""

import atexit
import email
import email.policy
import fcntl
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from jinja2 import BytecodeCache

from site_app import config as app_config
from site_app import create_app
from site_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))  # translations.py (mkdocs.yml), figure_tools/

from translations import i18n_entries  # noqa: E402

IN_CI = os.environ.get("CI") == "true"
POSTGRES_URI = os.environ.get(
    "TEST_POSTGRES_URI", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URI = os.environ.get("TEST_REDIS_URI", "redis://127.0.0.1:6379/15")


def guide_languages() -> list[dict]:
    """The i18n plugin's language entries of ``mkdocs.yml``, the default first."""
    return sorted(i18n_entries(ROOT / "mkdocs.yml"), key=lambda entry: not entry.get("default"))


def free_port() -> int:
    """A free loopback port (aiosmtpd's port=0 does not work, see GOTCHAS)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_missing(name: str, reason: str):
    """Fail in CI, skip elsewhere, when a service the test needs is not running."""
    message = f"{name} is not reachable ({reason}); start it to run this test"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


class Inbox:
    """What the test SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    def last(self, address=None):
        found = self.to(address) if address else self.messages
        assert found, f"no mail for {address}; received: {[m['Subject'] for m in self.messages]}"
        return found[-1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def inbox(smtp_server):
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session")
def help_site(tmp_path_factory, worker_id):
    """The guide, built once per test run with ``mkdocs build --strict`` and shared by the
    xdist workers (the first to take the lock builds it; the others wait for it). Tests
    read it; one that changes it works on a copy."""
    from figure_tools.browser_support import build_help_site

    if worker_id == "master":  # not under xdist
        return build_help_site(tmp_path_factory.mktemp("help-site"))
    shared = tmp_path_factory.getbasetemp().parent / "help-site"
    done = shared.parent / "help-site.built"
    with open(shared.parent / "help-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)  # a build cut short
            build_help_site(shared)
            done.touch()
    return shared


def _postgres_ready(uri):
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(uri)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return str(error).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_uri():
    """A schema of its own in the test database, so parallel test runs never meet."""
    problem = _postgres_ready(POSTGRES_URI)
    if problem:
        service_missing("PostgreSQL", problem)
    import sqlalchemy

    schema = f"test_{os.getpid()}"
    engine = sqlalchemy.create_engine(POSTGRES_URI)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URI}?options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


#: The test files that take longest (wall time, measured with --durations and a per-test CPU
#: recorder, longest first): they run first. `make test` keeps this order
#: (--no-loadscope-reorder: xdist would put the files with most tests first), so that the
#: short files fill the workers at the end instead of one long file running alone.
LONGEST_FIRST = (
    "test_browser.py",
    "test_search.py",
    "test_preview.py",
    "test_search_index.py",
    "test_guide_policy.py",
    "test_passkeys_browser.py",
    "test_situation_browser.py",
    "test_docs.py",
    "test_sessions.py",
    "test_new_language.py",
    "test_translations.py",
    "test_signin.py",
    "test_unstorable_text.py",
    "test_settings.py",
    "test_figures.py",
    "test_shared_limits.py",
    "test_production.py",
    "test_contact_suggestions.py",
)


def pytest_collection_modifyitems(config, items):
    """The longest files first (``LONGEST_FIRST``), the others after them in their order."""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_generate_tests(metafunc):
    """Tests marked ``both_databases`` run on SQLite and PostgreSQL; the others on SQLite.

    Mark what depends on the database itself: outbox claims, races, pooled connections,
    purge plans, migrations.
    """
    if "database_uri" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker("both_databases")
        kinds = ["sqlite", "postgresql"] if marked else ["sqlite"]
        metafunc.parametrize("database_uri", kinds, indirect=True)


@pytest.fixture
def database_uri(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_uri")


#: argon2id at its cheapest (8 KiB, one pass) for the tests' accounts: the production
#: parameters (``site_app/config.py``, 19 MiB and two passes) cost about 25 ms of CPU a
#: hash or check, and the suite makes thousands. The tests that need them pass
#: ``PRODUCTION_HASHING``: the races whose window is the hash, and the test that the
#: defaults are OWASP's (``test_signin.py``). Subprocess servers and ``LiveApp`` keep them.
FAST_HASHING = {"ARGON2_MEMORY_COST": 8, "ARGON2_TIME_COST": 1, "ARGON2_PARALLELISM": 1}
PRODUCTION_HASHING = {key: getattr(app_config, key) for key in FAST_HASHING}


class SharedTemplates(BytecodeCache):
    """Compiled templates shared by the apps of one test process, keyed (by Jinja) on each
    template's name and source: a new app no longer compiles the same files again (half
    of an app's first requests' CPU; the suite makes about a thousand apps)."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_TEMPLATES = SharedTemplates()


def _sqlite_file(uri: str) -> Path | None:
    """The file of a SQLite database URI, or None (another database, or in memory)."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


class SqliteSchema:
    """A SQLite file holding the empty schema, made once per test process by
    ``db.create_all()`` and copied for each new test database: the same file as a
    ``create_all`` of its own, for a file copy instead of about 40 DDL statements and
    their commits (and their ``drop_all`` at the end). Only a database file that does not
    exist yet is copied; an app made again on the same file still gets ``drop_all`` and
    ``create_all`` (its data is wiped, as before)."""

    def __init__(self):
        self.template: Path | None = None

    def copy_to(self, uri: str) -> bool:
        target = _sqlite_file(uri)
        if self.template is None or target is None or target.exists():
            return False
        shutil.copyfile(self.template, target)
        return True

    def keep(self, uri: str) -> None:
        """Keep the schema just made at ``uri`` as the template (the first one only)."""
        source = _sqlite_file(uri)
        if self.template is not None or source is None:
            return
        folder = tempfile.mkdtemp(prefix="test-schema-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        self.template = Path(folder) / "schema.db"
        shutil.copyfile(source, self.template)


SQLITE_SCHEMA = SqliteSchema()


@pytest.fixture
def make_app(tmp_path, smtp_server, help_site, database_uri):
    """Build an app with test settings; extra settings override them."""
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-long-enough-for-a-public-site",
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_SUPPRESS_SEND": False,
            "OUTBOX_DELIVERY": "inline",
            "HELP_SITE_DIR": str(help_site),
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_URL": "http://localhost",
            **FAST_HASHING,
        }
        config.update(overrides)
        copied = SQLITE_SCHEMA.copy_to(config["SQLALCHEMY_DATABASE_URI"])
        app = create_app(config)
        app.jinja_env.bytecode_cache = SHARED_TEMPLATES
        if not copied:
            with app.app_context():
                db.drop_all()
                db.create_all()
            SQLITE_SCHEMA.keep(config["SQLALCHEMY_DATABASE_URI"])
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            if not _sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"]):
                db.drop_all()  # a shared PostgreSQL schema; a SQLite file is the test's own
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url):
    """The CSRF token of the form on ``url``, as a browser would have it."""
    return _form_page(client, url)[0]


def _form_page(client, url):
    """The CSRF token of the form on ``url`` and the address the form is at: a mailed
    link's page moves to an address without its token at the first GET (followed)."""
    page = client.get(url, follow_redirects=True)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no form on {url} ({page.status_code})"
    return match.group(1), page.request.path if page.history else url


def submit(client, url, data, form_url=None, **kwargs):
    """GET the form, then POST it with its CSRF token, as a browser does (to the address
    the form is at, when the page moved)."""
    token, form_at = _form_page(client, form_url or url)
    if form_url is None:
        url = form_at
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def link_in(message, pattern):
    """The first link in the text part of ``message`` that matches ``pattern``, as a path."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^\s]*" + pattern + r"[^\s]*", text)
    assert match, f"no link matching {pattern} in:\n{text}"
    return re.sub(r"^https?://[^/]+", "", match.group(0))


#: The password of every test account (accepted by the password rules).
PASSWORD = "correct horse battery staple"


# --- People: separate browsers, accounts, sign-ins (shared by every test file) --------------

#: The owner of the account in the tests where attacker and owner are separate people.
OWNER = "dave@example.org"


def person(app, ip="127.0.0.1", user_agent=None):
    """A browser of its own (its own cookies) on a network of its own (``REMOTE_ADDR``)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    if user_agent:
        client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def sign_in(client, address, password=PASSWORD, **kwargs):
    """POST the sign-in form. Its CSRF token comes from the sign-up page (the same token):
    a blocked browser's GET /login shows the kept B2 page, which has no form."""
    kwargs.setdefault("form_url", "/signup")
    return submit(client, "/login", {"email": address, "password": password}, **kwargs)


def create_account(app, inbox=None, address=OWNER, password=PASSWORD, locale="fr"):
    """An activated account, made without HTTP (it uses no quota); its mails are cleared."""
    from site_app.accounts import rules

    with app.app_context():
        rules.register(address, password, locale)
        rules.activate(rules.find_user(address), locale)
    if inbox is not None:
        inbox.clear()
    return address


def reference(answer):
    """The reference an error or limit page prints (``B2``, ``E429-MAIL`` …), or None."""
    match = re.search(r'data-reference="([^"]+)"', answer.get_data(as_text=True))
    return match and match.group(1)


class People:
    """Signed-up, activated and signed-in people of one app, each with their own browser."""

    def __init__(self, app, inbox):
        self.app, self.inbox = app, inbox

    def browser(self, ip="127.0.0.1", user_agent=None):
        return person(self.app, ip, user_agent)

    def account(self, address=OWNER, password=PASSWORD, locale="fr"):
        return create_account(self.app, self.inbox, address, password, locale)

    def signed_in(self, address=OWNER, password=PASSWORD, ip="127.0.0.1"):
        """The account (created if need be) and a browser signed in to it."""
        with self.app.app_context():
            from site_app.accounts.lookup import find_user

            exists = find_user(address) is not None
        if not exists:
            self.account(address, password)
        browser = self.browser(ip)
        answer = sign_in(browser, address, password)
        assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
        return browser


@pytest.fixture
def people(app, inbox):
    """:class:`People` of the ``app`` fixture."""
    return People(app, inbox)


@pytest.fixture
def member(client, inbox):
    """An activated account (``member@example.org``), signed out."""
    address = "member@example.org"
    submit(client, "/signup", {"email": address, "password": PASSWORD})
    submit(client, link_in(inbox.last(address), "/activate/"), {})
    submit(client, "/logout", {}, form_url="/account")
    inbox.clear()
    return address


# --- A real browser (scripts/figure_tools/browser_support.py) ------------------------------


def requirement_missing(message: str):
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_process():
    """One Chromium per test process: starting one costs about a second of CPU."""
    from figure_tools import browser_support as support

    problem = support.missing_browser()
    if problem:
        requirement_missing(f"browser tests need a browser: {problem}")
    with support.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def browser(chromium_process):
    """The process's Chromium for a test module. Each test opens contexts of its own
    (``open_page``, ``support.new_page``); whatever context a module leaves open is closed
    at its end, as when each module had a browser of its own."""
    yield chromium_process
    for context in list(chromium_process.contexts):
        context.close()


@pytest.fixture
def live(help_site, tmp_path):
    from figure_tools import browser_support as support

    with support.LiveApp(help_site, tmp_path) as live:
        yield live


@pytest.fixture
def open_page(browser):
    """``open_page(lang)``: a page whose browser prefers ``lang``; closed after the test."""
    from figure_tools import browser_support as support

    contexts = []

    def factory(lang, **options):
        page = support.new_page(browser, lang, **options)
        contexts.append(page.context)
        return page

    yield factory
    for context in contexts:
        context.close()
