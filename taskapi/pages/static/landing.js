// The landing pages of mailed links: read the token from the fragment (never sent to a server) and use it.

import { api } from "./api.js";
import { onSubmit, showError, status } from "./forms.js";

const SUCCESS = {
  "verify-email": "Your email address is confirmed. You can close this page.",
  "confirm-email-change": "Your new email address is confirmed and now belongs to your account.",
  "reset-password": "Your password is changed and every session was signed out. Sign in with the new password.",
};
const ENDPOINT = {
  "verify-email": "/auth/verify-email",
  "confirm-email-change": "/auth/email-change",
  "reset-password": "/auth/password-reset",
};

const page = document.body.dataset.page;
const form = document.getElementById("landing");
const fragment = new URLSearchParams(window.location.hash.slice(1));
const token = fragment.get("token");
// Drop the token from the address bar and the history once it is read.
window.history.replaceState(null, "", window.location.pathname);

function done() {
  status(form, SUCCESS[page], "success");
  for (const field of form.querySelectorAll(".field, .actions")) field.hidden = true;
  document.getElementById("main").focus();
}

if (!token) {
  status(form, "This link has no token. Open the link from the mail again, or copy all of it.", "error");
  for (const field of form.querySelectorAll(".field, .actions")) field.hidden = true;
} else if (page === "confirm-email-change") {
  // Show the new address; apply it only when asked (a link opened by a mail scanner changes nothing).
  const email = fragment.get("email");
  if (email) document.getElementById("new-email").textContent = email;
  onSubmit(form, async () => {
    await api("POST", ENDPOINT[page], { token });
    done();
  });
} else if (page === "reset-password") {
  onSubmit(form, async ({ new_password }) => {
    await api("POST", ENDPOINT[page], { token, new_password });
    done();
  });
} else {
  api("POST", ENDPOINT[page], { token }).then(done, (error) => {
    if (error.problem) showError(form, error);
    else status(form, error.message, "error");
  });
}
