"""Mail delivery: multipart text + HTML through SMTP, or to instance/outbox/ when no server is set.

Delivery runs on a background thread after the request's commit, so a slow or dead mail server
never delays a response, never turns it into a 500, and cannot reveal through timing whether
an address belongs to an account. Failures are logged without the message body (it holds tokens).
"""

import logging
import os
import smtplib
import threading
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger("taskapi.mail")

SMTP_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
                 "MAIL_PASSWORD", "MAIL_TIMEOUT_SECONDS")


def in_background(function, *args):
    """Run ``function(*args)`` on a thread inside an app context of its own; log, never raise."""
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            try:
                function(*args)
            except Exception:  # noqa: BLE001  (a background job has nobody to raise to)
                log.exception("background job %s failed", function.__name__)

    thread = threading.Thread(target=run, name=function.__name__, daemon=True)
    thread.start()
    return thread


def build_message(to, subject, text, html, sender):
    """A multipart/alternative message: plain text first, HTML as the preferred part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="taskapi.local")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_mail(to, subject, text, html):
    """Queue a message for delivery and return at once; returns the delivery thread."""
    config = current_app.config
    message = build_message(to, subject, text, html, config["MAIL_FROM"])
    settings = {name: config[name] for name in SMTP_SETTINGS}
    outbox = config["MAIL_OUTBOX_DIR"] or os.path.join(current_app.instance_path, "outbox")
    return in_background(deliver, message, settings, outbox)


def deliver(message, settings, outbox):
    """Send through SMTP, or write to the outbox without a server; log either way, never raise."""
    fields = {"fields": {"mail_to": message["To"], "mail_subject": message["Subject"]}}
    try:
        if settings["MAIL_SERVER"]:
            send_smtp(message, settings)
            log.info('mail "%s" sent to %s', message["Subject"], message["To"], extra=fields)
        else:
            path = write_to_outbox(message, outbox)
            log.info('mail "%s" to %s written to %s (no MAIL_SERVER)', message["Subject"], message["To"], path,
                     extra=fields)
    except (OSError, smtplib.SMTPException) as error:
        log.warning('mail "%s" to %s failed: %s', message["Subject"], message["To"], error.__class__.__name__,
                    extra=fields)


def send_smtp(message, settings):
    """One SMTP conversation: implicit TLS or STARTTLS as configured, login when a user is set."""
    factory = smtplib.SMTP_SSL if settings["MAIL_USE_SSL"] else smtplib.SMTP
    with factory(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=settings["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if settings["MAIL_USE_TLS"] and not settings["MAIL_USE_SSL"]:
            smtp.starttls()
        if settings["MAIL_USERNAME"]:
            smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def write_to_outbox(message, outbox):
    """Save the message as an .eml file readable only by this user; returns its path."""
    os.makedirs(outbox, mode=0o700, exist_ok=True)
    path = os.path.join(outbox, f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}.eml")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())
    return path
