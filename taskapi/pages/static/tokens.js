// Personal access tokens on the security page: list, create (the token shown once, with a copy button), revoke.

import { api } from "./api.js";
import { element, onSubmit, status } from "./forms.js";

const $ = (id) => document.getElementById(id);
const form = $("token-add");

function when(timestamp) {
  return timestamp ? new Date(timestamp).toLocaleString() : "never";
}

function tokenRow(token) {
  const row = element("li", null, { class: "token-row" });
  row.dataset.id = token.id;
  const expired = new Date(token.expires_at) <= new Date();
  const text = ` · ${token.scopes.join(", ")} · ends in …${token.last_four} · ` +
    `${expired ? "expired" : "expires"} ${when(token.expires_at)} · last used ${when(token.last_used_at)}`;
  row.append(element("strong", token.name, { class: "name" }), element("span", text));
  const revoke = element("button", "Revoke", { type: "button", class: "danger" });
  revoke.setAttribute("aria-label", `Revoke token ${token.name}`);
  revoke.addEventListener("click", async () => {
    revoke.disabled = true;
    try {
      await api("DELETE", `/auth/tokens/${encodeURIComponent(token.id)}`);
      status(form, `Token “${token.name}” revoked.`);
    } finally {
      document.dispatchEvent(new CustomEvent("account:changed"));
      $("tokens-title").focus();
    }
  });
  row.append(revoke);
  return row;
}

export async function showTokens() {
  const rows = (await api("GET", "/auth/tokens?per_page=100")).map(tokenRow);
  $("tokens").replaceChildren(...(rows.length ? rows : [element("li", "No tokens yet.")]));
}

function forget() {
  // The token leaves the page: only its hash is kept, by the server.
  $("token-value").value = "";
  $("token-copy-status").textContent = "";
  $("token-created").hidden = true;
}

onSubmit(form, async ({ name, expires_in_days, current_password }) => {
  const scopes = [...form.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
  const days = Number.parseInt(expires_in_days, 10);
  const created = await api("POST", "/auth/tokens", {
    name, scopes, current_password, expires_in_days: Number.isNaN(days) ? expires_in_days : days,
  });
  form.reset();
  $("token-value").value = created.token;
  $("token-copy-status").textContent = "";
  $("token-created").hidden = false;
  $("token-created-title").focus();
  document.dispatchEvent(new CustomEvent("account:changed"));
});

$("token-copy").addEventListener("click", async () => {
  const input = $("token-value");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select(); // no clipboard permission: select it for Ctrl-C
    document.execCommand("copy");
  }
  $("token-copy-status").textContent = "Copied to the clipboard.";
});

$("token-done").addEventListener("click", () => {
  forget();
  $("tokens-title").focus();
});

document.addEventListener("account:signed-out", forget);
