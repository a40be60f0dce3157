// The sign-in view and the switch to the security view (one document: the token never leaves memory).

import { api, currentRefreshToken, forgetTokens, keepTokens } from "./api.js";
import { onSubmit, status } from "./forms.js";
import { getPasskey } from "./webauthn.js";
import { showSecurity } from "./security.js";

const signinView = document.getElementById("signin-view");
const securityView = document.getElementById("security-view");
const signinForm = document.getElementById("signin");
const otpForm = document.getElementById("otp");
// Between the password step and the code step only the server's mfa_token is kept: the password
// is dropped (from this variable and the form) as soon as the first step answers.
let pending = null;

async function enter(pair) {
  keepTokens(pair);
  pending = null;
  signinForm.reset();
  otpForm.reset();
  otpForm.hidden = true;
  signinView.hidden = true;
  securityView.hidden = false;
  document.title = "Security · your taskapi account";
  await showSecurity();
  document.getElementById("security-title").focus();
}

function leave(message) {
  forgetTokens();
  securityView.hidden = true;
  signinView.hidden = false;
  document.title = "Your taskapi account";
  status(signinForm, message || "");
  document.getElementById("signin-username").focus();
}

onSubmit(signinForm, async ({ username, password }) => {
  try {
    await enter(await api("POST", "/auth/login", { username, password }));
  } catch (error) {
    if (error.status === 401 && error.problem.error === "mfa_required" && error.problem.mfa_token) {
      pending = { mfa_token: error.problem.mfa_token };
      signinForm.elements.namedItem("password").value = "";
      otpForm.hidden = false;
      status(otpForm, "Your account asks for a second factor.");
      document.getElementById("otp-otp").focus();
      return;
    }
    throw error;
  }
});

onSubmit(otpForm, async ({ otp }) => {
  if (!pending) throw new Error("Sign in with your password first.");
  try {
    await enter(await api("POST", "/auth/login/2fa", { ...pending, otp }));
  } catch (error) {
    if (error.status === 401 && error.problem.error === "mfa_token_invalid") { // expired or used: start again
      pending = null;
      otpForm.reset();
      otpForm.hidden = true;
      status(signinForm, error.message, "error");
      document.getElementById("signin-password").focus();
      return;
    }
    throw error;
  }
});

document.getElementById("passkey-signin").addEventListener("click", async () => {
  status(signinForm, "Waiting for your passkey…");
  try {
    const username = document.getElementById("signin-username").value.trim();
    const options = await api("POST", "/auth/passkeys/login/options", username ? { username } : {});
    const { publicKey, ...ceremony } = options; // any ceremony fields besides the options go back as they came
    const credential = await getPasskey(options);
    await enter(await api("POST", "/auth/passkeys/login", { ...(publicKey ? ceremony : {}), credential }));
  } catch (error) {
    if (error.name === "NotAllowedError") status(signinForm, "The passkey prompt was cancelled or timed out.", "error");
    else status(signinForm, error.message || String(error), "error");
  }
});

onSubmit(document.getElementById("forgot"), async ({ email }) => {
  const answer = await api("POST", "/auth/password-reset/request", { email });
  status(document.getElementById("forgot"), answer.detail || "If that address has an account, a link is on its way.");
});

document.getElementById("signout").addEventListener("click", async () => {
  const refresh = currentRefreshToken();
  try {
    await api("POST", "/auth/logout", refresh ? { refresh_token: refresh } : {});
  } catch {
    // Signed out on this page either way; the token expires on its own.
  }
  leave("You are signed out.");
});

document.addEventListener("account:signed-out", (event) => leave(event.detail));
