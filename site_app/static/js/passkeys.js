/* Passkeys (WebAuthn, site_app/passkeys/): the sign-in button and the browser's autofill on
   /login and the B2/B3 pages, "Add a passkey" on the account page. No framework and no
   inline script (the CSP forbids it). Every message comes from the page, in its language
   (the app's catalogs); the server's refusals bring their own, already translated, and the
   guide's paragraph that explains it (help_url). Each message is followed by a link to that
   paragraph (else the page's data-help-url), in the same live region (role="alert").
   The controls stay hidden unless the browser has WebAuthn and this host is the relying
   party's: WebAuthn refuses IP addresses, so on 127.0.0.1 nothing is offered. */
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function isIpAddress(host) {
    return /^[0-9.]+$/.test(host) || host.indexOf(":") !== -1 || host.charAt(0) === "[";
  }

  function usable(node) {
    var rp = node.dataset.passkeyRp, host = location.hostname;
    return Boolean(window.PublicKeyCredential && navigator.credentials && window.isSecureContext &&
      rp && host === rp && !isIpAddress(host));
  }

  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || "");
          error.fromServer = Boolean(data.message);
          error.helpUrl = data.help_url || "";
          throw error;
        }
        return data;
      });
    });
  }

  /* Where the server sends the browser next: "/account#passkeys" from the account page
     itself is only a change of hash, which reloads nothing. */
  function go(url) {
    var target = new URL(url, location.href);
    if (target.pathname === location.pathname && target.search === location.search) {
      location.hash = target.hash;
      location.reload();
    } else {
      location.assign(target.href);
    }
  }

  function extensions(credential) {
    return credential.getClientExtensionResults ? credential.getClientExtensionResults() : {};
  }

  function showError(box, node, error) {
    var message = node.dataset.msgFailed;
    if (error && error.fromServer) {
      message = error.message;
    } else if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      message = node.dataset.msgCancelled;
    } else if (error && error.name === "InvalidStateError" && node.dataset.msgTaken) {
      message = node.dataset.msgTaken;
    }
    box.textContent = message;
    var help = (error && error.helpUrl) || node.dataset.helpUrl;
    if (help) {
      var link = document.createElement("a");
      link.href = help;
      link.textContent = node.dataset.msgHelp;
      box.append(" ", link);
    }
    box.hidden = false;
  }

  /* Signing in: the button, and the autofill of the email field (conditional mediation). */
  var signIn = document.querySelector("[data-passkey-sign-in]");
  if (signIn && usable(signIn)) {
    signIn.hidden = false;
    var token = signIn.querySelector('input[name="csrf_token"]').value;
    var box = signIn.querySelector("[data-passkey-error]");
    var next = document.querySelector('form input[name="next"]');
    /* The autofill's request (conditional mediation), while it waits: the button aborts it
       and waits until it has settled, since a browser runs one WebAuthn request at a time
       (and the session keeps one challenge). */
    var autofill = null, autofillSettled = Promise.resolve();

    var ask = function (conditional) {
      var controller = conditional ? new AbortController() : null;
      var asking = post(signIn.dataset.optionsUrl, {}, token).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        var request = { publicKey: options };
        if (controller) {
          request.mediation = "conditional";
          request.signal = controller.signal;
        }
        return navigator.credentials.get(request);
      });
      if (controller) {
        autofill = controller;
        autofillSettled = asking.then(function () {}, function () {});
      }
      return asking.then(function (credential) {
        if (!credential) { return null; }
        var r = credential.response;
        return post(signIn.dataset.url, {
          credential: {
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            response: {
              clientDataJSON: toText(r.clientDataJSON),
              authenticatorData: toText(r.authenticatorData),
              signature: toText(r.signature),
              userHandle: r.userHandle ? toText(r.userHandle) : null
            },
            clientExtensionResults: extensions(credential)
          },
          next: next ? next.value : ""
        }, token).then(function (data) { go(data.redirect); });
      });
    };

    signIn.querySelector('[data-passkey-action="sign-in"]').addEventListener("click", function () {
      box.hidden = true;
      /* The autofill's challenge is replaced by this one: wait until it was given. */
      if (autofill) { autofill.abort(); autofill = null; }
      autofillSettled.then(function () {
        return ask(false);
      }).catch(function (error) { showError(box, signIn, error); });
    });

    var field = document.querySelector('input[autocomplete~="webauthn"]');
    if (field && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) { return; }
        /* The person did nothing yet: a request the browser turns down by itself (no
           passkey for this site, AbortError when the button takes over) says nothing. */
        ask(true).catch(function (error) {
          var quiet = !error || error.name === "AbortError" || error.name === "NotAllowedError";
          if (!quiet) { showError(box, signIn, error); }
        });
      }).catch(function () {});
    }
  }

  /* The account page: "Add a passkey" (the password first, then the browser's ceremony). */
  var form = document.querySelector("[data-passkey-register]");
  if (form && usable(form)) {
    form.hidden = false;
    var unsupported = document.querySelector("[data-passkey-unsupported]");
    if (unsupported) { unsupported.hidden = true; }
    var formToken = form.querySelector('input[name="csrf_token"]').value;
    var formBox = form.querySelector("[data-passkey-error]");
    var button = form.querySelector('[data-passkey-action="register"]');
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      formBox.hidden = true;
      button.disabled = true;
      post(form.dataset.optionsUrl, {
        name: form.querySelector('[name="passkey_name"]').value,
        password: form.querySelector('[name="passkey_password"]').value
      }, formToken).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.create({ publicKey: options });
      }).then(function (credential) {
        var r = credential.response;
        var answer = {
          id: credential.id,
          rawId: toText(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toText(r.clientDataJSON),
            attestationObject: toText(r.attestationObject),
            transports: r.getTransports ? r.getTransports() : []
          },
          clientExtensionResults: extensions(credential)
        };
        if (credential.authenticatorAttachment) {
          answer.authenticatorAttachment = credential.authenticatorAttachment;
        }
        return post(form.dataset.url, { credential: answer }, formToken);
      }).then(function (data) {
        go(data.redirect);
      }).catch(function (error) {
        showError(formBox, form, error);
        button.disabled = false;
      });
    });
  }
}());
