// Passkeys on the security page: list, add (a WebAuthn registration), rename, remove.

import { api } from "./api.js";
import { element, onSubmit, status } from "./forms.js";
import { createPasskey } from "./webauthn.js";

const $ = (id) => document.getElementById(id);
const form = $("passkey-add");

function changed() {
  document.dispatchEvent(new CustomEvent("account:changed"));
}

function passkeyRow(passkey) {
  const row = element("li", null, { class: "passkey" });
  row.dataset.id = passkey.id;
  const used = passkey.last_used_at ? new Date(passkey.last_used_at).toLocaleString() : "never";
  row.append(element("span", passkey.name, { class: "name" }), element("span", ` · last used ${used}`));

  const rename = element("form", null, { class: "inline", "aria-label": `Rename passkey ${passkey.name}` });
  const nameId = `passkey-${passkey.id}-name`;
  rename.id = `passkey-${passkey.id}-rename`;
  rename.append(element("label", "New name", { for: nameId }),
    element("input", null, { id: nameId, name: "name", maxlength: "64", required: "", value: passkey.name }),
    element("button", "Rename", { type: "submit", class: "secondary" }),
    element("p", null, { class: "form-status", role: "status", "aria-live": "polite" }));
  onSubmit(rename, async ({ name }) => {
    await api("PATCH", `/auth/passkeys/${encodeURIComponent(passkey.id)}`, { name });
    changed();
  });

  const remove = element("form", null, { class: "inline", "aria-label": `Remove passkey ${passkey.name}` });
  const passwordId = `passkey-${passkey.id}-password`;
  remove.id = `passkey-${passkey.id}-remove`;
  const otpId = `passkey-${passkey.id}-otp`;
  const code = element("span", null, { class: "step-up" });
  code.append(element("label", "Authenticator code", { for: otpId }),
    element("input", null, { id: otpId, name: "otp", autocomplete: "one-time-code" }));
  remove.append(element("label", "Current password", { for: passwordId }),
    element("input", null, { id: passwordId, name: "current_password", type: "password", required: "",
      autocomplete: "current-password" }), code,
    element("button", "Remove", { type: "submit", class: "danger" }),
    element("p", null, { class: "form-status", role: "status", "aria-live": "polite" }));
  onSubmit(remove, async ({ current_password, otp }) => {
    await api("DELETE", `/auth/passkeys/${encodeURIComponent(passkey.id)}`, { current_password, ...(otp ? { otp } : {}) });
    changed();
    status(form, `Passkey “${passkey.name}” removed.`);
  });

  row.append(rename, remove);
  return row;
}

export async function showPasskeys() {
  let passkeys;
  try {
    passkeys = await api("GET", "/auth/passkeys");
  } catch (error) {
    if (error.status === 404) { // a server without passkeys
      $("passkeys").replaceChildren(element("li", "Passkeys are not available on this server."));
      return;
    }
    throw error;
  }
  const rows = passkeys.map(passkeyRow);
  $("passkeys").replaceChildren(...(rows.length ? rows : [element("li", "No passkeys yet.")]));
}

onSubmit(form, async ({ name, current_password, otp }) => {
  if (!window.PublicKeyCredential) throw new Error("This browser does not support passkeys.");
  const options = await api("POST", "/auth/passkeys/register/options", { current_password, ...(otp ? { otp } : {}) });
  status(form, "Follow your browser's prompt to create the passkey…");
  const { publicKey, ...ceremony } = options;
  const credential = await createPasskey(options);
  await api("POST", "/auth/passkeys/register", { ...(publicKey ? ceremony : {}), credential, name });
  form.reset();
  changed();
  status(form, `Passkey “${name}” added.`);
});
