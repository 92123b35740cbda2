"""Every error page is localized, carries a reference and links to an anchor that exists."""

import re

import pytest
from conftest import submit
from flask import abort

LANGS = ["fr", "en"]


@pytest.fixture
def app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/_test/abort/<int:status>", methods=["GET"])
    def _abort(status):
        abort(status)

    @app.route("/_test/crash")
    def _crash():
        raise RuntimeError("boom: a secret stack trace")

    return app


def help_link(page):
    match = re.search(r'<a class="button" href="([^"]+)">', page)
    assert match, page
    return match.group(1)


def assert_lands_on_anchor(client, link, lang):
    path, _, anchor = link.partition("#")
    assert path.startswith("/help/en/" if lang == "en" else "/help/")
    if lang == "fr":
        assert not path.startswith("/help/en/")
    with client.get(path) as page:
        assert page.status_code == 200, path
        text = page.text
    assert f'<html lang="{lang}"' in text
    assert f'id="{anchor}"' in text, f"#{anchor} missing on {path}"


CASES = {
    400: ("/_test/abort/400", "bad-request"),
    404: ("/no/such/page", "page-not-found"),
    405: ("/logout", "method-not-allowed"),
    413: ("/_test/abort/413", "too-large"),
    500: ("/_test/crash", "server-error"),
    503: ("/_test/abort/503", "unavailable"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("status", sorted(CASES))
def test_error_page_links_to_its_topic(client, lang, status):
    url, topic = CASES[status]
    client.get(f"/language/{lang}")
    answer = client.get(url)
    assert answer.status_code == status
    assert f'<html lang="{lang}">' in answer.text
    assert f'data-error="{topic}"' in answer.text
    assert f"E{status}" in answer.text
    assert "Traceback" not in answer.text and "secret stack trace" not in answer.text
    link = help_link(answer.text)
    assert link.endswith(f"#{topic}")
    assert_lands_on_anchor(client, link, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_csrf_failure_page(client, lang):
    client.get(f"/language/{lang}")
    answer = client.post("/signup", data={"email": "a@example.org", "password": "whatever long"})
    assert answer.status_code == 403
    assert {"fr": "Le formulaire a expiré", "en": "The form has expired"}[lang] in answer.text
    assert_lands_on_anchor(client, help_link(answer.text), lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("problem", "status"), [("invalid", 400), ("expired", 410), ("used", 410)])
def test_link_problem_pages_link_to_their_topic(client, inbox, lang, problem, status, time_machine):
    from conftest import link_in

    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    client.get(f"/language/{lang}")
    submit(client, "/signup", {"email": "l@example.org", "password": "correct horse battery"})
    link = link_in(inbox.last("l@example.org"), "/activate/")
    if problem == "invalid":
        # Change the token's first character: the signed part then always differs (the
        # last ones may only carry base64 padding bits, which decoding ignores).
        head, token = link.rsplit("/", 1)
        link = f"{head}/{'B' if token.startswith('A') else 'A'}{token[1:]}"
    elif problem == "expired":
        time_machine.move_to("2030-01-05 12:00:00+00:00", tick=False)
    else:
        submit(client, link, {})
        submit(client, "/logout", {}, form_url="/account")
    answer = client.get(link)
    assert answer.status_code == status
    match = re.search(r'href="([^"]+#link-' + problem + ')"', answer.text)
    assert match, answer.text
    assert_lands_on_anchor(client, match.group(1), lang)


@pytest.mark.parametrize("status", sorted(CASES))
def test_json_clients_get_error_message_and_help_url(client, status):
    url, topic = CASES[status]
    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == status
    assert answer.is_json
    assert answer.json["error"] == topic
    assert answer.json["message"]
    assert answer.json["help_url"].endswith(f"#{topic}")
    assert answer.json["reference"].startswith(f"E{status}")


def test_a_failing_template_still_answers(app, client, monkeypatch):
    import site_app.errors as errors

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(errors, "render_template", broken)
    answer = client.get("/no/such/page")
    assert answer.status_code == 404
    assert "<h1>" in answer.text and "#page-not-found" in answer.text


def test_server_error_reference_is_logged(client, caplog):
    answer = client.get("/_test/crash")
    reference = re.search(r"E500-[0-9A-F]{6}", answer.text).group(0)
    assert reference.split("-")[1] in caplog.text


@pytest.mark.parametrize("lang", LANGS)
def test_used_activation_link_while_signed_in_leads_to_the_account(client, inbox, lang):
    """Opened again after activating (so signed in): no « Renvoyer le mail d'activation »."""
    from conftest import link_in

    client.get(f"/language/{lang}")
    submit(client, "/signup", {"email": "u@example.org", "password": "correct horse battery"})
    link = link_in(inbox.last("u@example.org"), "/activate/")
    submit(client, link, {})

    answer = client.get(link)

    assert answer.status_code == 410
    buttons = re.findall(r'<a class="button[^"]*" href="([^"]+)"', answer.text)
    assert buttons == ["/account"]
    assert "/activation/resend" not in answer.text
