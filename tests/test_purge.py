"""``flask accounts purge``: never-activated accounts go after the activation delay."""

import pytest
from conftest import PASSWORD, link_in, submit
from sqlalchemy import select

from site_app.extensions import db
from site_app.models import User

pytestmark = pytest.mark.both_databases


def test_purge_deletes_only_expired_unactivated_accounts(app, client, inbox, runner, time_machine):
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    submit(client, "/signup", {"email": "forgot@example.org", "password": PASSWORD})
    submit(client, "/signup", {"email": "active@example.org", "password": PASSWORD})
    submit(client, link_in(inbox.last("active@example.org"), "/activate/"), {})
    time_machine.move_to("2030-01-02 08:00:00+00:00", tick=False)
    submit(app.test_client(), "/signup", {"email": "recent@example.org", "password": PASSWORD})

    time_machine.move_to("2030-01-03 08:00:01+00:00", tick=False)
    result = runner.invoke(args=["accounts", "purge"])
    assert result.exit_code == 0
    assert "Deleted 1 unactivated account(s)." in result.output
    with app.app_context():
        left = set(db.session.scalars(select(User.email)))
    assert left == {"active@example.org", "recent@example.org"}

    # Safe to run again (cron): nothing more to delete.
    assert "Deleted 0" in runner.invoke(args=["accounts", "purge"]).output


def test_signing_up_again_after_purge_works(app, inbox, runner, time_machine):
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    client = app.test_client()
    submit(client, "/signup", {"email": "again@example.org", "password": PASSWORD})
    old_link = link_in(inbox.last("again@example.org"), "/activate/")
    time_machine.move_to("2030-01-04 08:00:00+00:00", tick=False)
    runner.invoke(args=["accounts", "purge"])

    assert client.get(old_link).status_code == 410
    submit(client, "/signup", {"email": "again@example.org", "password": PASSWORD})
    page = submit(
        client, link_in(inbox.last("again@example.org"), "/activate/"), {}, follow_redirects=True
    )
    assert page.request.path == "/account"


def test_purge_delay_is_configurable(make_app, inbox, time_machine):
    from datetime import timedelta

    app = make_app(ACTIVATION_DELAY=timedelta(hours=1))
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    submit(app.test_client(), "/signup", {"email": "quick@example.org", "password": PASSWORD})
    time_machine.move_to("2030-01-01 09:00:01+00:00", tick=False)
    assert "Deleted 1" in app.test_cli_runner().invoke(args=["accounts", "purge"]).output
