// The security page: account, sessions, events, tokens, two-factor sign-in, password and email.

import { api, keepTokens } from "./api.js";
import { element, onSubmit, status } from "./forms.js";
import { showPasskeys } from "./passkeys.js";
import { showTokens } from "./tokens.js";

const $ = (id) => document.getElementById(id);

function when(timestamp) {
  return timestamp ? new Date(timestamp).toLocaleString() : "";
}

export function signedOut(message) {
  document.dispatchEvent(new CustomEvent("account:signed-out", { detail: message }));
}

async function showAccount() {
  const me = await api("GET", "/auth/me");
  $("whoami").textContent = `Signed in as ${me.username}${me.email ? ` (${me.email})` : ""}.`;
  $("twofa-state").textContent = me.two_factor_enabled ? "Two-factor sign-in is on." : "Two-factor sign-in is off.";
  document.body.dataset.twoFactor = me.two_factor_enabled ? "on" : "off"; // shows the step-up code fields
  $("twofa-setup").hidden = me.two_factor_enabled;
  $("twofa-disable").hidden = !me.two_factor_enabled;
  $("twofa-enable").hidden = true;
}

async function showSessions() {
  const list = $("sessions");
  list.replaceChildren();
  for (const session of await api("GET", "/auth/sessions")) {
    const row = element("li");
    const text = `${session.user_agent || "Unknown browser"} · ${session.ip || "unknown address"} · since ${when(session.created_at)}`;
    row.append(element("span", text));
    if (session.current) {
      row.append(element("strong", " (this session)"));
    } else {
      const button = element("button", "Sign out", { type: "button", class: "secondary" });
      button.setAttribute("aria-label", `Sign out the session from ${session.ip || "unknown address"}, ${when(session.created_at)}`);
      button.addEventListener("click", async () => {
        await api("DELETE", `/auth/sessions/${encodeURIComponent(session.id)}`);
        await refresh();
        $("sessions-title").focus();
      });
      row.append(button);
    }
    list.append(row);
  }
}

async function showEvents() {
  const list = $("events");
  list.replaceChildren();
  for (const event of await api("GET", "/auth/events?per_page=20")) {
    const details = Object.entries(event.details || {}).map(([key, value]) => `${key}: ${value}`).join(", ");
    const row = element("li");
    row.dataset.type = event.type;
    row.append(element("strong", event.type), element("span", ` · ${when(event.at)} · ${event.ip || ""}`));
    if (details) row.append(element("span", ` · ${details}`, { class: "details" }));
    list.append(row);
  }
}

export async function refresh() {
  await Promise.all([showAccount(), showSessions(), showEvents(), showPasskeys(), showTokens()]);
}

export async function showSecurity() {
  try {
    await refresh();
  } catch (error) {
    if (error.status === 401) signedOut("Your session ended; sign in again.");
    else throw error;
  }
}

document.addEventListener("account:changed", () => { showSecurity(); });
$("sessions-title").setAttribute("tabindex", "-1");

onSubmit($("others"), async () => {
  await api("POST", "/auth/logout-others");
  await refresh();
  status($("others"), "Every other session is signed out.");
});

onSubmit($("twofa-setup"), async ({ current_password }) => {
  const setup = await api("POST", "/auth/2fa/setup", { current_password });
  // The SVG goes in as an image (a data: URL), never parsed as markup of this document; an image runs no
  // script. The API sends inline SVG (no xmlns), which a standalone image needs.
  let svg = setup.qr_svg;
  if (!/^<svg[^>]*\sxmlns=/.test(svg)) svg = svg.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  $("twofa-qr").src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
  $("twofa-secret").textContent = setup.secret;
  $("twofa-setup").reset();
  $("twofa-setup").hidden = true;
  $("twofa-enable").hidden = false;
  $("twofa-enable-code").focus();
});

onSubmit($("twofa-enable"), async ({ code, current_password }) => {
  const answer = await api("POST", "/auth/2fa/enable", { code, current_password });
  $("twofa-enable").reset();
  $("recovery-codes").replaceChildren(...answer.recovery_codes.map((text) => element("li", text)));
  $("recovery").hidden = false;
  await refresh();
  $("recovery-title").focus();
});

onSubmit($("twofa-disable"), async ({ code, current_password }) => {
  await api("POST", "/auth/2fa/disable", { code, current_password });
  $("twofa-disable").reset();
  $("recovery").hidden = true;
  await refresh();
  status($("twofa-setup"), "Two-factor sign-in is off.");
});

// With two-factor sign-in on, every sensitive change asks for a code beside the password.
export function stepUp(otp) {
  return otp ? { otp } : {};
}

onSubmit($("password"), async ({ current_password, new_password, otp }) => {
  const pair = await api("POST", "/auth/password", { current_password, new_password, ...stepUp(otp) });
  if (pair && pair.access_token) keepTokens(pair);
  $("password").reset();
  await refresh();
  status($("password"), "Your password is changed.");
});

onSubmit($("email"), async ({ email, current_password, otp }) => {
  const answer = await api("PATCH", "/users/me", { email, current_password, ...stepUp(otp) });
  $("email").reset();
  status($("email"), (answer && answer.detail) || "Your email address is changed.");
});
