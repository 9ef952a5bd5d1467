// The session, shared by the console (index.html, app.js) and the feedback page (results.html,
// results.js): the sign-in form (checks before sending, the button's state, plain-language
// errors), restoring a session on page load, signing out, and the session's CSRF token.
//
// Rules that matter:
// - The password is read from its field, sent in the login request only, and the field is
//   cleared whatever the outcome; it is never kept, logged or put anywhere else.
// - The CSRF token lives in this module's closure only: never in the DOM, a URL, storage or the
//   browser console. Only signOut() and post() use it.
// - Errors go in #signin-error as text (never HTML) and take focus, so a screen reader says them.

import * as api from "./api.js";

const $ = (id) => document.getElementById(id);

let csrf = null;

/** Show the form's message (empty hides it), clear the password and focus the username. */
export function resetSignIn(message) {
  csrf = null;
  const err = $("signin-error");
  err.textContent = message || "";
  err.hidden = !message;
  $("password").value = "";
  $("username").focus();
}

/**
 * Wire the form: a good sign-in awaits onSignedIn(specialist); a failed one shows why.
 * beforeSubmit runs first (e.g. to unlock sound).
 */
export function wireSignIn(onSignedIn, { beforeSubmit } = {}) {
  const label = $("signin-button").textContent;
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (beforeSubmit) beforeSubmit();
    const username = $("username").value.trim();
    const password = $("password").value;
    const err = $("signin-error");
    if (!username || !password) {
      err.textContent = !username ? "Enter your username." : "Enter your password.";
      err.hidden = false;
      (!username ? $("username") : $("password")).focus();
      return;
    }
    const button = $("signin-button");
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const data = await api.login(username, password);
      csrf = data.csrf_token;
      err.hidden = true;
      $("password").value = "";
      await onSignedIn(data.specialist);
    } catch (e) {
      err.textContent = api.signInMessage(e);
      err.hidden = false;
      $("password").value = "";
      err.focus();
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
}

/**
 * Pick up the browser's session on page load: resolves to the signed-in specialist, or to null
 * with the sentence to show on the sign-in form ("" when simply not signed in).
 */
export async function restoreSession() {
  try {
    const data = await api.me();
    csrf = data.csrf_token;
    return { specialist: data.specialist, message: "" };
  } catch (e) {
    csrf = null;
    return { specialist: null, message: e.status === 401 ? "" : api.signInMessage(e) };
  }
}

/**
 * Sign out at the hub (with the CSRF token). Resolves once the session is gone (also when the
 * hub says it already was); throws an ApiError when the hub could not be asked or refused.
 */
export async function signOut() {
  try {
    await api.logout(csrf);
  } catch (e) {
    if (e.status !== 401) throw e;
  }
  csrf = null;
}

/** POST `body` to the hub's API at `path` with the session's CSRF token (reception.js books
 * appointments this way); resolves to the JSON reply or throws an ApiError. */
export function post(path, body) {
  return api.call("POST", path, { body, csrf });
}
