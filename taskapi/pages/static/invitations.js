// Invitations: sign in, then answer the invitation a mail link carries (#token=…) and the pending ones listed.

import { api, keepTokens } from "./api.js";
import { element, onSubmit, status } from "./forms.js";

const $ = (id) => document.getElementById(id);
const fromMail = document.body.dataset.page === "accept-invitation";
const token = fromMail ? new URLSearchParams(window.location.hash.slice(1)).get("token") : null;
// Drop the token from the address bar and the history once it is read.
if (fromMail) window.history.replaceState(null, "", window.location.pathname);
let pending = null; // username and password between the password step and the TOTP step

async function enter(pair) {
  keepTokens(pair);
  pending = null;
  $("signin").reset();
  $("otp").reset();
  $("signin-view").hidden = true;
  $("answer-view").hidden = false;
  $("accept-token").hidden = !fromMail;
  if (fromMail && !token) {
    status($("accept-token"), "This link has no token. Open the link from the mail again, or copy all of it.", "error");
    $("accept-token").querySelector(".actions").hidden = true;
  }
  await showPending();
  $("invitations-title").focus();
}

function describe(item) {
  const until = item.expires_at.replace("T", " ").replace("Z", " UTC");
  return `${item.project_name}: as ${item.role}, from ${item.inviter || "an admin"}, until ${until}`;
}

async function showPending() {
  const items = await api("GET", "/invitations?per_page=100");
  const list = $("pending-list");
  list.replaceChildren();
  $("pending-none").hidden = items.length > 0;
  for (const item of items) {
    const row = element("li");
    row.append(element("span", describe(item)));
    for (const [action, label, kind] of [["accept", "Accept", null], ["decline", "Decline", "secondary"]]) {
      const button = element("button", label, { type: "button", "aria-label": `${label} the invitation to ${item.project_name}` });
      if (kind) button.className = kind;
      button.addEventListener("click", () => answer(item, action));
      row.append(button);
    }
    list.append(row);
  }
}

async function answer(item, action) {
  const panel = $("pending");
  try {
    await api("POST", `/invitations/${item.id}/${action}`);
    status(panel, action === "accept" ? `You joined ${item.project_name} as ${item.role}.`
      : `You declined the invitation to ${item.project_name}.`, "success");
    await showPending();
  } catch (error) {
    status(panel, error.message || String(error), "error");
  }
}

onSubmit($("signin"), async ({ username, password }) => {
  try {
    await enter(await api("POST", "/auth/login", { username, password }));
  } catch (error) {
    if (error.status === 401 && error.problem.error === "mfa_required") {
      pending = { username, password };
      $("otp").hidden = false;
      status($("otp"), "Your account asks for a second factor.");
      $("otp-otp").focus();
      return;
    }
    throw error;
  }
});

onSubmit($("otp"), async ({ otp }) => {
  if (!pending) throw new Error("Sign in with your password first.");
  await enter(await api("POST", "/auth/login", { ...pending, otp }));
});

onSubmit($("accept-token"), async () => {
  const member = await api("POST", "/invitations/accept", { token });
  status($("accept-token"), `You joined the project as ${member.role}.`, "success");
  $("accept-token").querySelector(".actions").hidden = true;
  await showPending();
});
