"""The account mails, rendered from Jinja templates (text and HTML) in templates/."""

from urllib.parse import urlencode

from flask import current_app
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from taskapi.mail.delivery import send_mail
from taskapi.signals import SecurityEventType

templates = Environment(loader=PackageLoader("taskapi.mail", "templates"), undefined=StrictUndefined,
                        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                        keep_trailing_newline=True)


def render(name, **context):
    """The text and HTML bodies of template ``name`` (``name.txt`` and ``name.html``)."""
    return templates.get_template(f"{name}.txt").render(context), templates.get_template(f"{name}.html").render(context)


def action_link(page, token, **shown):
    """A front-end link carrying the token (and what the page shows, ``shown``) in the fragment.

    The fragment is never sent to a server or in a Referer. FRONTEND_URL when set, else taskapi's
    own account pages (ACCOUNT_PAGES_URL); None if both are unset.
    """
    base = current_app.config["FRONTEND_URL"] or current_app.config["ACCOUNT_PAGES_URL"]
    return f"{base}/{page}#{urlencode({'token': token, **shown})}" if base else None


def send_verification_mail(user, token):
    """Mail ``user`` a token that proves they read their current email address."""
    hours = int(current_app.config["EMAIL_VERIFICATION_MAX_AGE"].total_seconds() // 3600)
    text, html = render("verify_email", username=user.username, token=token, hours=hours,
                        link=action_link("verify-email", token))
    return send_mail(user.email, "Confirm your email address", text, html)


def send_password_reset_mail(user, token):
    """Mail ``user`` a token that lets them choose a new password."""
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    text, html = render("password_reset", username=user.username, token=token, minutes=minutes,
                        link=action_link("reset-password", token))
    return send_mail(user.email, "Reset your password", text, html)


def send_reminder_digest_mail(user, day, tasks):
    """Mail ``user`` the open tasks due on ``day`` or before (dicts: title, due_date, priority, overdue)."""
    text, html = render("reminder_digest", username=user.username, day=day.isoformat(), tasks=tasks)
    return send_mail(user.email, f"Your tasks for {day.isoformat()}", text, html)


def send_email_change_mail(user, email, token):
    """Mail the new address ``email`` a token that moves ``user``'s account to it."""
    hours = int(current_app.config["EMAIL_VERIFICATION_MAX_AGE"].total_seconds() // 3600)
    text, html = render("email_change_confirm", username=user.username, email=email, token=token, hours=hours,
                        link=action_link("confirm-email-change", token, email=email))
    return send_mail(email, "Confirm your new email address", text, html)


def send_email_taken_mail(email):
    """Tell ``email`` that someone asked to move an account to it, though it already has one (no token)."""
    text, html = render("email_change_taken", email=email)
    return send_mail(email, "This address already has a taskapi account", text, html)


def send_email_change_requested_mail(user, old_email, new_email, context):
    """Tell ``user``'s old address that a change to ``new_email`` was asked for (``context``: at, ip, user_agent)."""
    text, html = render("email_change_requested", username=user.username, new_email=new_email, **context)
    return send_mail(old_email, "A change of your email address was requested", text, html)


def send_email_removed_mail(user, old_email, context):
    """Tell ``old_email`` that ``user``'s account no longer has it (``context``: at, ip, user_agent)."""
    text, html = render("email_removed", username=user.username, **context)
    return send_mail(old_email, "Your email address was removed from your account", text, html)


def send_webhook_disabled_mail(user, project_name, webhook_id, host, reason):
    """Tell a project admin that webhook ``webhook_id`` (to ``host``) was switched off, and why."""
    text, html = render("webhook_disabled", username=user.username, project=project_name, webhook_id=webhook_id,
                        host=host, gone=reason == "gone")
    return send_mail(user.email, f"A webhook of {project_name} was switched off", text, html)


NOTICES = {
    SecurityEventType.PASSWORD_CHANGED: (
        "Your password was changed",
        "The password of your taskapi account was changed."),
    SecurityEventType.PASSWORD_RESET: (
        "Your password was reset",
        "The password of your taskapi account was reset with a mailed link; every session was signed out."),
    SecurityEventType.EMAIL_CHANGED: (
        "Your email address was changed",
        "The email address of your taskapi account was changed."),
    SecurityEventType.TWO_FACTOR_ENABLED: (
        "Two-factor sign-in is on",
        "Two-factor sign-in was turned on for your taskapi account."),
    SecurityEventType.TWO_FACTOR_DISABLED: (
        "Two-factor sign-in is off",
        "Two-factor sign-in was turned off for your taskapi account."),
    SecurityEventType.TWO_FACTOR_RESET_BY_ADMIN: (
        "An administrator turned two-factor sign-in off",
        "An administrator cleared the two-factor sign-in of your taskapi account and signed out every "
        "session."),
    SecurityEventType.RECOVERY_CODE_USED: (
        "A recovery code was used",
        "A two-factor recovery code of your taskapi account was used."),
    SecurityEventType.REFRESH_REUSE_DETECTED: (
        "A signed-in session was ended",
        "A refresh token of your taskapi account was used twice, a sign that it was copied; that session was "
        "ended."),
    SecurityEventType.PASSKEY_ADDED: (
        "A passkey was added",
        "A passkey was added to your taskapi account: it can now sign in without the password."),
    SecurityEventType.PASSKEY_REMOVED: (
        "A passkey was removed",
        "A passkey was removed from your taskapi account: it can no longer sign in."),
    SecurityEventType.TOKEN_CREATED: (
        "A personal access token was created",
        "A personal access token was created for your taskapi account: until it expires or is revoked (on the "
        "security page), it reaches what its scopes allow without the password."),
}


def send_security_notice(address, username, event):
    """Mail the notice for security ``event`` to ``address``: what, when, from where; never a token or link."""
    subject, what = NOTICES[event.type]
    remaining, tokens = event.details.get("remaining"), event.details.get("access_tokens")
    mine_if = f"You have {remaining} unused recovery codes left." if remaining is not None else None
    if tokens:  # a password change keeps them: say which still work
        mine_if = ("These personal access tokens still work; revoke any you do not recognise on the security page: "
                   + ", ".join(tokens) + ".")
    when = event.at.strftime("%Y-%m-%d %H:%M UTC")
    text, html = render("security_notice", username=username, what=what, when=when, ip=event.ip,
                        browser=event.user_agent, mine_if=mine_if)
    return send_mail(address, subject, text, html)


def send_token_expiry_mail(user, name, last_four, expires_at):
    """Tell ``user`` that their personal access token ``name`` (ending ``last_four``) expires at ``expires_at``."""
    when = expires_at.strftime("%Y-%m-%d %H:%M UTC")
    text, html = render("token_expiry", username=user.username, token_name=name, last_four=last_four, when=when)
    return send_mail(user.email, f"Your access token {name!r} expires on {expires_at:%Y-%m-%d}", text, html)
