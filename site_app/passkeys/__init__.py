"""Passkeys (WebAuthn): added on the account page, used to sign in on /login
(:mod:`.ceremonies`: the two ceremonies and the account's passkeys; :mod:`.views`: the
JSON endpoints and the remove button; ``static/js/passkeys.js``: the browser's side)."""
