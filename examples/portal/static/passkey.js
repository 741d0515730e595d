// The portal's passkey ceremonies. WebAuthn needs script, so this one file (the
// only script of the portal, same-origin, no inline code) runs them; every other
// form is a plain post and every page works without it.
//
// A form marked data-passkey="get" (signing in) fetches a challenge from its
// data-options-url (POST, same origin: {ticket, options}), asks the browser for an
// assertion (navigator.credentials.get) and posts the form with the ticket and the
// browser's answer in its passkey_ticket and passkey_response fields.
//
// A form marked data-passkey="create" (registering) carries its options in
// data-options (the server's JSON for navigator.credentials.create) and its
// ticket in passkey_ticket; it asks the browser for a new credential and posts
// the form with the answer in passkey_response.
//
// Elements marked data-passkey-only are shown only where the browser has
// passkeys; an element marked data-passkey-error inside the form is shown when a
// ceremony fails or is cancelled (its text is the server's, in the page's
// language). The server checks everything: this file only carries data.
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return; // no passkeys here: the data-passkey-only parts stay hidden
  }

  function fromB64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) {
      s += "=";
    }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeList(list) {
    return (list || []).map(function (c) {
      var out = Object.assign({}, c);
      out.id = fromB64url(c.id);
      return out;
    });
  }

  // creationOptions turns the server's JSON (base64url strings) into what
  // navigator.credentials.create takes (ArrayBuffers).
  function creationOptions(json) {
    var pk = Object.assign({}, json.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: fromB64url(pk.user.id) });
    pk.excludeCredentials = decodeList(pk.excludeCredentials);
    return { publicKey: pk };
  }

  function requestOptions(json) {
    var pk = Object.assign({}, json.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    pk.allowCredentials = decodeList(pk.allowCredentials);
    return { publicKey: pk };
  }

  // credentialJSON is the browser's PublicKeyCredential as the server reads it.
  function credentialJSON(cred) {
    var r = cred.response;
    var response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) {
        response.transports = r.getTransports();
      }
    }
    if (r.authenticatorData) {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) {
        response.userHandle = toB64url(r.userHandle);
      }
    }
    var out = { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, response: response };
    if (cred.authenticatorAttachment) {
      out.authenticatorAttachment = cred.authenticatorAttachment;
    }
    if (cred.getClientExtensionResults) {
      out.clientExtensionResults = cred.getClientExtensionResults();
    }
    return out;
  }

  // showError shows or hides the form's error (role="alert": shown, it is
  // announced) and points the form's button at it while it shows, so the
  // button is described by the error when focus returns to it.
  function showError(form, on) {
    var e = form.querySelector("[data-passkey-error]");
    if (!e) {
      return;
    }
    e.hidden = !on;
    var button = form.querySelector('button[type="submit"]');
    if (button && e.id) {
      if (on) {
        button.setAttribute("aria-describedby", e.id);
      } else {
        button.removeAttribute("aria-describedby");
      }
    }
  }

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  async function getThenPost(form) {
    var answer = await fetch(form.dataset.optionsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!answer.ok) {
      throw new Error("passkey challenge: HTTP " + answer.status);
    }
    var challenge = await answer.json();
    var cred = await navigator.credentials.get(requestOptions(challenge.options));
    field(form, "passkey_ticket").value = challenge.ticket;
    field(form, "passkey_response").value = JSON.stringify(credentialJSON(cred));
    form.submit();
  }

  async function createThenPost(form) {
    var cred = await navigator.credentials.create(creationOptions(JSON.parse(form.dataset.options)));
    field(form, "passkey_response").value = JSON.stringify(credentialJSON(cred));
    form.submit();
  }

  function start() {
    document.querySelectorAll("[data-passkey-only]").forEach(function (e) {
      e.hidden = false;
    });
    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
      var busy = false;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (busy) {
          return;
        }
        busy = true;
        showError(form, false);
        var run = form.dataset.passkey === "create" ? createThenPost : getThenPost;
        run(form).catch(function () {
          busy = false;
          showError(form, true);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
