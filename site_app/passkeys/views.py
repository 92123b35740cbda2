"""Passkeys' endpoints: JSON for ``static/js/passkeys.js``, a form for the remove button.

Every POST carries the CSRF token (the ``X-CSRFToken`` header for JSON). The endpoints
share one limit per network (``PASSKEYS_PER_IP``); none counts as a password failure, so
a network blocked for failed passwords (B2) and an account protected against guessing
(B3) still sign in with a passkey. Adding one asks for the account's password, counted
like the account page's other password forms.
"""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts import sign_in
from ..auth.signing import complete_sign_in
from ..extensions import db, limiter
from ..forms import ConfirmForm
from ..help.topics import help_url
from ..security.network import client_network
from ..security.safety import safe_next
from . import ceremonies, store
from .ceremonies import PasskeyRefused

bp = Blueprint("passkeys", __name__)


@bp.app_context_processor
def _relying_party():
    """The pages' passkey controls name the relying party: passkeys.js shows them only on
    that host (the sign-in page is cached per language, never per host)."""
    return {"passkey_rp": store.rp_id()}


#: reason → (status, message): what the page shows when a ceremony cannot go on, followed
#: by a link to the guide's passkey section in the page's language (``help_url``), as the
#: app's other JSON errors do (:mod:`site_app.errors`).
REFUSALS = {
    "unavailable": (
        400,
        _l(
            "Passkeys don't work at this address. Open the site at its usual address "
            "(a name, not an IP address)."
        ),
    ),
    "expired": (410, _l("The passkey request has expired. Try again.")),
    "invalid": (
        400,
        _l("We couldn't verify your passkey. Try again, or sign in with your password."),
    ),
    "unknown": (
        400,
        _l(
            "This passkey doesn't belong to any account here: it may have been removed. "
            "Sign in with your password."
        ),
    ),
    "counter": (
        400,
        _l(
            "This passkey seems to have been copied: for your safety, it can't be used to "
            "sign in. Sign in with your password, then check your passkeys on your account "
            "page."
        ),
    ),
    "taken": (409, _l("This passkey has already been added.")),
    "password": (422, _l("Incorrect password.")),
    "password-missing": (422, _l("Enter your password.")),
    "name": (422, _l("Use a passkey name of 60 characters or fewer.")),
}


def _refused(reason: str):
    status, message = REFUSALS[reason]
    # The guide's passkey section says what to do in each case.
    body = {"error": reason, "message": str(message), "help_url": help_url("passkeys")}
    return jsonify(body), status


def _limited(view):
    """One limit per network shared by every passkey endpoint (``PASSKEYS_PER_IP``)."""
    return limiter.shared_limit(
        lambda: current_app.config["PASSKEYS_PER_IP"],
        scope="passkeys-ip",
        key_func=client_network,
        methods=["POST"],
    )(view)


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# --- Signing in (/login, the B2 and B3 pages) ---------------------------------------------------


@bp.route("/passkeys/sign-in/options", methods=["POST"])
@_limited
def sign_in_options():
    if not ceremonies.offered():
        return _refused("unavailable")
    return jsonify(ceremonies.authentication_options())


@bp.route("/passkeys/sign-in", methods=["POST"])
@_limited
def sign_in_with_passkey():
    """The browser's answer: the account it names is signed in as by its password (the
    same session start: session row, known browser, previous sign-in)."""
    if not ceremonies.offered():
        return _refused("unavailable")
    body = _body()
    try:
        user = ceremonies.authenticate(body.get("credential"))
    except PasskeyRefused as refusal:
        return _refused(refusal.reason)
    previous = sign_in.record_sign_in(user, str(get_locale()))
    complete_sign_in(user, previous)  # commits, with the passkey's counter
    target = body.get("next") if isinstance(body.get("next"), str) else None
    return jsonify({"redirect": safe_next(target) or url_for("account.index")})


# --- The account page -----------------------------------------------------------------------


@bp.route("/account/passkeys/options", methods=["POST"])
@login_required
@_limited
def register_options():
    """The password first (counted like the account page's other forms), then the options
    of the browser's ceremony; the name typed is kept with its challenge."""
    if not ceremonies.offered():
        return _refused("unavailable")
    body = _body()
    check = sign_in.PasswordCheck(current_user, scope="account-password")
    password = body.get("password")
    try:
        name = ceremonies.clean_name(body.get("name"), request.user_agent.string)
    except PasskeyRefused as refusal:
        check.unused()
        return _refused(refusal.reason)
    if not isinstance(password, str) or not password:
        check.unused()
        return _refused("password-missing")
    if not check.verify(password):
        return _refused("password")
    user = current_user._get_current_object()
    options = ceremonies.registration_options(user, name)
    db.session.commit()  # the account's user handle, made with its first passkey
    return jsonify(options)


@bp.route("/account/passkeys", methods=["POST"])
@login_required
@_limited
def register():
    try:
        passkey = ceremonies.add_passkey(
            current_user._get_current_object(), _body().get("credential")
        )
    except PasskeyRefused as refusal:
        return _refused(refusal.reason)
    flash(
        _l(
            'The passkey "%(name)s" has been added. You can now sign in with it, '
            "without a password.",
            name=passkey.name,
        ),
        "success",
    )
    return jsonify({"redirect": url_for("account.index", _anchor="passkeys")})


@bp.route("/account/passkeys/<string(length=22):ref>/remove", methods=["POST"])
@login_required
def remove(ref):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if ceremonies.remove_passkey(current_user._get_current_object(), ref):
        flash(
            _l(
                "The passkey has been removed and can no longer be used to sign in to your account."
            ),
            "success",
        )
    else:
        flash(_l("That passkey had already been removed."), "info")
    return redirect(url_for("account.index", _anchor="passkeys"))
