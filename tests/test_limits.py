"""Rate limits: the temporary IP block (B2), the per-account limit, mail-sending actions."""

import re
import time

import pytest
from conftest import PASSWORD, free_port, link_in, sign_in, submit

from site_app.config import LANGUAGES


def fail_sign_in(client, address="member@example.org", ip="203.0.113.7", **kwargs):
    """A wrong password from ``ip`` (the form fetched from /login, as its reader does)."""
    kwargs.setdefault("form_url", "/login")
    environ = {"REMOTE_ADDR": ip}
    return sign_in(client, address, "not the password", environ_base=environ, **kwargs)


def right_sign_in(client, address="member@example.org", ip="203.0.113.7"):
    return sign_in(client, address, form_url="/login", environ_base={"REMOTE_ADDR": ip})


B2_PAGE = {
    "fr": ("Trop de tentatives", "temporairement bloquée"),
    "en": ("Too many attempts", "temporarily blocked"),
    "ar": ("محاولات كثيرة جدًا", "فحُظر مؤقتًا"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_failures_from_one_address_get_the_b2_page(client, member, app, lang):
    title, blocked = B2_PAGE[lang]
    client.get(f"/language/{lang}")
    for _ in range(5):
        answer = fail_sign_in(client)
        assert answer.status_code == 422
        assert 'data-reference="B1"' in answer.text
    answer = fail_sign_in(client)
    assert answer.status_code == 429
    assert 0 < int(answer.headers["Retry-After"]) <= 300
    assert title in answer.text and blocked in answer.text
    assert 'data-reference="B2"' in answer.text
    assert re.search(r'data-countdown-until="\d+"', answer.text)
    assert "#ip-blocked" in answer.text and "/password/forgot" in answer.text
    # Even the right password waits for the block to lift, from any browser of that address.
    assert right_sign_in(app.test_client()).status_code == 429


def test_the_block_lifts_after_the_window(client, member, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    for _ in range(5):
        fail_sign_in(client)
    assert right_sign_in(client).status_code == 429
    time_machine.move_to("2030-01-01 12:05:01+00:00", tick=False)
    assert right_sign_in(client).status_code == 302


def test_only_failures_count(client, member):
    for _ in range(4):
        fail_sign_in(client)
    for _ in range(3):
        assert right_sign_in(client).status_code == 302
        submit(client, "/logout", {}, form_url="/account")
    assert fail_sign_in(client).status_code == 422
    assert fail_sign_in(client).status_code == 429


def test_another_address_is_not_blocked(client, member, app):
    for _ in range(5):
        fail_sign_in(client, ip="203.0.113.7")
    assert fail_sign_in(client, ip="203.0.113.7").status_code == 429
    assert right_sign_in(app.test_client(), ip="198.51.100.9").status_code == 302


def test_per_account_limit_stops_guessing_from_many_addresses(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="20 per hour")
    client = app.test_client()
    submit(client, "/signup", {"email": "target@example.org", "password": PASSWORD})
    submit(client, link_in(inbox.last("target@example.org"), "/activate/"), {})
    for n in range(20):
        assert (
            fail_sign_in(app.test_client(), "target@example.org", ip=f"10.9.{n}.1").status_code
            == 422
        )
    assert fail_sign_in(app.test_client(), "target@example.org", ip="10.9.99.1").status_code == 429
    # Other accounts are not affected.
    assert fail_sign_in(app.test_client(), "other@example.org", ip="10.9.99.2").status_code == 422


def test_guesses_around_a_window_edge_get_at_most_twice_the_limit(make_app, inbox, time_machine):
    """README, Limits: the counters are fixed windows, which start at their first failure.
    Strangers who bunch their guesses at the end of one window and the start of the next
    get twice the limit checked within a few seconds — and never more."""
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="3 per hour")
    client = app.test_client()
    submit(client, "/signup", {"email": "target@example.org", "password": PASSWORD})
    submit(client, link_in(inbox.last("target@example.org"), "/activate/"), {})
    statuses = []

    def guess(n, at):
        time_machine.move_to(at, tick=False)
        answer = fail_sign_in(app.test_client(), "target@example.org", ip=f"10.12.{n}.1")
        statuses.append(answer.status_code)

    guess(0, "2030-01-01 12:00:00+00:00")  # the window opens
    guess(1, "2030-01-01 12:59:58+00:00")
    guess(2, "2030-01-01 12:59:59+00:00")
    for n in range(3, 7):  # the next window, two seconds later
        guess(n, "2030-01-01 13:00:01+00:00")
    assert statuses == [422] * 6 + [429]  # 3 + 3 checked, then B3


def test_forged_x_forwarded_for_changes_nothing_without_trusted_proxies(client, member):
    for n in range(5):
        submit(
            client,
            "/login",
            {"email": "member@example.org", "password": "nope"},
            form_url="/signup",  # the sign-in page itself shows the block
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
    answer = submit(
        client,
        "/login",
        {"email": "member@example.org", "password": "nope"},
        form_url="/signup",
        headers={"X-Forwarded-For": "192.0.2.200"},
    )
    assert answer.status_code == 429


def test_a_trusted_proxy_hop_gives_the_real_client_address(make_app, inbox):
    app = make_app(PROXY_FIX_X_FOR=1)
    client = app.test_client()
    for _ in range(5):
        fail_sign_in(
            client, "x@example.org", ip="127.0.0.1", headers={"X-Forwarded-For": "192.0.2.1"}
        )
    blocked = fail_sign_in(
        client, "x@example.org", ip="127.0.0.1", headers={"X-Forwarded-For": "192.0.2.1"}
    )
    assert blocked.status_code == 429
    other = fail_sign_in(
        app.test_client(),
        "y@example.org",
        ip="127.0.0.1",
        headers={"X-Forwarded-For": "192.0.2.2"},
    )
    assert other.status_code == 422


def test_mail_actions_are_limited_per_target_email(client, inbox, app):
    for n in range(3):
        answer = submit(
            client,
            "/password/forgot",
            {"email": "victim@example.org"},
            environ_base={"REMOTE_ADDR": f"10.1.{n}.1"},
        )
        assert answer.status_code == 302
    blocked = submit(
        client,
        "/activation/resend",
        {"email": "victim@example.org"},
        environ_base={"REMOTE_ADDR": "10.1.9.1"},
    )
    assert blocked.status_code == 429
    assert 'data-reference="E429-MAIL"' in blocked.text
    # Another address can still be served.
    ok = submit(
        client,
        "/password/forgot",
        {"email": "someone@example.org"},
        environ_base={"REMOTE_ADDR": "10.1.9.1"},
    )
    assert ok.status_code == 302


def test_mail_actions_are_limited_per_address(make_app, inbox):
    app = make_app(MAIL_ACTIONS_PER_IP="2 per hour")
    client = app.test_client()
    for n in range(2):
        assert submit(client, "/password/forgot", {"email": f"u{n}@example.org"}).status_code == 302
    assert submit(client, "/password/forgot", {"email": "u9@example.org"}).status_code == 429


def test_json_clients_get_a_json_429(client, member):
    for _ in range(5):
        fail_sign_in(client)
    answer = fail_sign_in(client, headers={"Accept": "application/json"})
    assert answer.status_code == 429
    assert answer.json["error"] == "ip-blocked"
    assert answer.json["reference"] == "B2"
    assert "#ip-blocked" in answer.json["help_url"]


def test_unreachable_redis_falls_back_to_memory_and_keeps_serving(make_app, inbox):
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    started = time.monotonic()
    assert client.get("/login").status_code == 200
    for _ in range(5):
        assert fail_sign_in(client).status_code == 422
    assert fail_sign_in(client).status_code == 429
    assert time.monotonic() - started < 60
