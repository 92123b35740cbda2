"""Two app processes sharing one Redis enforce one limit, not two."""

import http.client
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import REDIS_URI, ROOT, free_port, service_missing

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing("Redis", str(error))
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, redis_client):
    """Two app processes on one database and one Redis, started once for this file."""
    tmp_path = tmp_path_factory.mktemp("shared-limits")
    env = {
        **os.environ,
        "FLASK_SECRET_KEY": "shared-secret",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}",
        "FLASK_RATELIMIT_STORAGE_URI": REDIS_URI,
        "FLASK_OUTBOX_DELIVERY": '"worker"',
        "FLASK_HELP_SITE_DIR": str(tmp_path / "no-site"),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "site_app", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    servers = []
    try:  # whatever happens from here on, the processes started are stopped
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "site_app", "run", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
        for process, base in servers:
            wait_until_ready(process, base)
        yield [base for _, base in servers]
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


#: How long a server may take to answer its first request: a loaded machine starts slowly.
READY_WITHIN = 120  # seconds
READY_ATTEMPTS = 400  # tries at most, 0.25 s apart (plus each try's own time)


def wait_until_ready(process, base):
    """Return once ``base`` answers ``GET /login`` with 200; fail, saying why, if the
    process exits or neither READY_WITHIN seconds nor READY_ATTEMPTS tries are enough.

    Any way a request can fail while the server starts (refused, reset, timed out, an
    answer cut short) means "not yet"; each try is itself bounded by a 5 s timeout."""
    deadline = time.monotonic() + READY_WITHIN
    problem = "no try made"
    for _ in range(READY_ATTEMPTS):
        if process.poll() is not None:
            pytest.fail(f"{base}: the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(base + "/login", timeout=5) as answer:
                if answer.status == 200:
                    return
                problem = f"status {answer.status}"
        except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
            problem = repr(error)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    pytest.fail(f"{base} did not answer within {READY_WITHIN} s: {problem}")


@pytest.fixture
def two_servers(servers, redis_client):
    """The two processes, every count starting from zero (the limits live in Redis only)."""
    redis_client.flushdb()
    return servers


def failed_sign_in(base):
    """A browser session on ``base``: get the form, post a wrong password; return the status."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    # The session's token from another form: once blocked, /login itself shows the block.
    page = opener.open(base + "/signup", timeout=10).read().decode()
    token = CSRF_RE.search(page).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": "someone@example.org", "password": "wrong password"}
    ).encode()
    try:
        return opener.open(base + "/login", data=data, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_processes_on_one_redis_share_the_count(two_servers):
    first, second = two_servers
    statuses = [failed_sign_in(first if n % 2 else second) for n in range(5)]
    assert statuses == [422] * 5
    # The sixth failure is refused by either process.
    assert failed_sign_in(first) == 429
    assert failed_sign_in(second) == 429


def post_form(base, path, fields):
    """A browser session on ``base``: get the form at ``path``, post it; return the status."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(base + "/signup", timeout=10).read().decode()
    data = urllib.parse.urlencode({"csrf_token": CSRF_RE.search(page).group(1), **fields})
    try:
        return opener.open(base + path, data=data.encode(), timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_mail_quota_of_an_address_holds_across_processes(two_servers):
    first, second = two_servers
    spellings = ["erin@example.org", "ERIN@example.org", "erin@\uff45xample.org"]
    statuses = [
        post_form(base, "/password/forgot", {"email": spelling})
        for base, spelling in zip([first, second, first], spellings, strict=True)
    ]
    assert statuses == [200] * 3  # each followed to "check your mailbox"
    assert post_form(second, "/password/forgot", {"email": "erin@example.org"}) == 429
    assert post_form(first, "/password/forgot", {"email": "Erin@example.org"}) == 429


def test_parallel_guesses_on_two_processes_are_counted_before_checking(two_servers):
    from concurrent.futures import ThreadPoolExecutor

    fields = {"email": "someone@example.org", "password": "wrong password"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(
            pool.map(lambda n: post_form(two_servers[n % 2], "/login", fields), range(24))
        )
    assert statuses.count(422) == 5  # the per-address limit, over both processes
    assert statuses.count(429) == 19
