"""Links name accounts by a random public id, never the sequential one (issue 19, item 14b).

The attacker signs up twice in a row with addresses of their own and reads the links they
receive: itsdangerous signs a token's payload but does not hide it, so a sequential id
there told how many accounts exist and how many were made between two sign-ups.
"""

import pytest
from conftest import PASSWORD, link_in, submit
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, text

from site_app.accounts import rules as accounts
from site_app.accounts import tokens
from site_app.extensions import db
from site_app.models import User

ATTACKER_ADDRESSES = ["mallory@example.org", "mallory2@example.org"]


def payload_of(link):
    """What anyone holding the link reads in it, without the key."""
    token = link.rstrip("/").rsplit("/", 1)[1]
    _, payload = URLSafeTimedSerializer("not the key").loads_unsafe(token)
    return payload


def test_links_carry_no_sequential_account_id(app, inbox):
    attacker = app.test_client()
    seen = []
    for address in ATTACKER_ADDRESSES:
        submit(attacker, "/signup", {"email": address, "password": PASSWORD})
        seen.append(payload_of(link_in(inbox.last(address), "/activate/")))
    activated = submit(
        app.test_client(),
        link_in(inbox.last(ATTACKER_ADDRESSES[0]), "/activate/"),
        {"password": PASSWORD},
    )
    assert activated.status_code == 302
    submit(attacker, "/password/forgot", {"email": ATTACKER_ADDRESSES[0]})
    seen.append(payload_of(link_in(inbox.last(ATTACKER_ADDRESSES[0]), "/password/reset/")))
    for payload in seen:
        assert not [part for part in payload if isinstance(part, int)], payload
    first, second, reset = (payload[0] for payload in seen)
    assert first != second and len(first) >= 20 and first == reset
    with app.app_context():
        ids = db.session.scalars(select(User.id)).all()
    assert not {str(n) for n in ids} & {first, second}


def test_sign_in_links_carry_no_sequential_account_id(make_app, inbox):
    from conftest import OWNER, create_account, person, sign_in

    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="1 per hour")
    create_account(app, inbox)
    sign_in(person(app, "10.40.0.1"), OWNER, "a wrong guess")
    sign_in(person(app, "203.0.113.40"), OWNER, PASSWORD)
    payload = payload_of(link_in(inbox.last(OWNER), "/login/link/"))
    assert not [part for part in payload if isinstance(part, int)], payload


def test_a_link_mailed_before_the_upgrade_still_works(app, inbox):
    """Links mailed before migration 0004 named the account by its id; they keep working
    until they expire, so nobody who signed up just before the upgrade is stranded."""
    owner = app.test_client()
    submit(owner, "/signup", {"email": "olga@example.org", "password": PASSWORD})
    with app.app_context():
        user = accounts.find_user("olga@example.org")
        old_form = tokens._serializer(tokens.ACTIVATE).dumps([user.id, user.security_stamp])
    landed = submit(owner, f"/activate/{old_form}", {}, follow_redirects=True)
    assert landed.request.path == "/account" and "olga@example.org" in landed.text


@pytest.mark.both_databases
def test_the_upgrade_gives_every_existing_account_its_own_public_id(make_app):
    from flask_migrate import upgrade

    app = make_app()
    with app.app_context():
        db.drop_all()
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO users (email, password_hash, locale, security_stamp,"
                        " created_at) VALUES (:email, 'x', 'fr', :stamp, CURRENT_TIMESTAMP)"
                    ),
                    {"email": f"old{n}@example.org", "stamp": f"stamp-{n}"},
                )
        upgrade()
        public_ids = db.session.scalars(select(User.public_id)).all()
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    assert len(public_ids) == 3 and len(set(public_ids)) == 3
    assert all(public_id and len(public_id) >= 20 for public_id in public_ids)
