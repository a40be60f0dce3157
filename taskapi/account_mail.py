"""The account mails: email verification and password reset, as text and HTML."""

from html import escape

from flask import current_app

from taskapi.mail import send_mail


def action_link(page, token):
    """A front-end link carrying the token in the fragment (never sent to a server or a Referer)."""
    base = current_app.config["FRONTEND_URL"]
    return f"{base}/{page}#token={token}" if base else None


def compose(greeting, purpose_line, link, api_hint, token, expiry_line):
    """Text and HTML bodies for a mail that carries a token."""
    action_text = f"Open this link: {link}" if link else api_hint
    text = (f"{greeting}\n\n{purpose_line}\n\n{action_text}\n\nToken: {token}\n\n{expiry_line}\n"
            "If you did not ask for this, ignore this message.\n")
    action_html = (f'<p><a href="{escape(link)}">{escape(link)}</a></p>' if link
                   else f"<p>{escape(api_hint)}</p>")
    html = (f"<p>{escape(greeting)}</p><p>{escape(purpose_line)}</p>{action_html}"
            f"<p>Token: <code>{escape(token)}</code></p><p>{escape(expiry_line)}</p>"
            "<p>If you did not ask for this, ignore this message.</p>")
    return text, html


def send_verification_mail(user, token):
    """Mail ``user`` a token that proves they read their current email address."""
    hours = int(current_app.config["EMAIL_VERIFICATION_MAX_AGE"].total_seconds() // 3600)
    text, html = compose(
        f"Hello {user.username},",
        "Please confirm this email address for your taskapi account.",
        action_link("verify-email", token),
        'Confirm it with: POST /auth/verify-email {"token": "<the token below>"}',
        token, f"The token is valid for {hours} hours and works once.")
    return send_mail(user.email, "Confirm your email address", text, html)


def send_password_reset_mail(user, token):
    """Mail ``user`` a token that lets them choose a new password."""
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    text, html = compose(
        f"Hello {user.username},",
        "Someone (hopefully you) asked to reset the password of your taskapi account.",
        action_link("reset-password", token),
        'Choose a new password with: POST /auth/password-reset {"token": "<the token below>", "new_password": "..."}',
        token, f"The token is valid for {minutes} minutes and works once; every session is signed out after the reset.")
    return send_mail(user.email, "Reset your password", text, html)
