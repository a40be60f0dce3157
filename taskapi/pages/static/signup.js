// Sign-up: create the account; its address is verified from the mailed link before an invitation can be accepted.

import { api } from "./api.js";
import { onSubmit, status } from "./forms.js";

const form = document.getElementById("signup");

onSubmit(form, async ({ username, email, password }) => {
  const account = await api("POST", "/auth/register", { username, email, password });
  form.reset();
  for (const field of form.querySelectorAll(".field, .actions")) field.hidden = true;
  status(form, `Your account ${account.username} is created. We mailed a link to ${account.email}: open it to verify `
    + "the address, then open your invitation link again (or sign in on the Invitations page).", "success");
  document.getElementById("signup-title").focus();
});
