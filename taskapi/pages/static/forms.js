// Form helpers: error messages tied to their fields (aria-describedby, aria-invalid) and a live status line.

export function clearErrors(form) {
  for (const message of form.querySelectorAll(".field-error")) {
    message.textContent = "";
    message.hidden = true;
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  status(form, "");
}

// The status line of a form (role=status or role=alert, in the markup): aria-live announces it.
export function status(form, text, kind = "info") {
  const line = form.querySelector(".form-status");
  if (!line) return;
  line.textContent = text;
  line.dataset.kind = kind;
}

// Show an ApiError: field messages under their inputs (the first gets focus), the detail in the status line.
export function showError(form, error) {
  const fieldErrors = (error.problem && error.problem.errors) || {};
  let first = null;
  for (const [name, messages] of Object.entries(fieldErrors)) {
    const input = form.elements.namedItem(name);
    const message = form.querySelector(`#${form.id}-${name}-error`);
    if (!input || !message) continue;
    message.textContent = [].concat(messages).join(" ");
    message.hidden = false;
    input.setAttribute("aria-invalid", "true");
    first = first || input;
  }
  status(form, error.message, "error");
  if (first) first.focus();
}

export function values(form) {
  return Object.fromEntries(new FormData(form).entries());
}

// Run ``action`` on submit with the button disabled; errors land in the form.
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    try {
      await action(values(form));
    } catch (error) {
      if (error.name === "NotAllowedError") status(form, "The passkey prompt was cancelled or timed out.", "error");
      else if (error.problem) showError(form, error);
      else status(form, error.message || String(error), "error");
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}

// A new element with text content only (never HTML from the API).
export function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
