"""Mail delivery: multipart text + HTML through SMTP, or to instance/outbox/ when no server is set.

Only jobs send mail (taskapi.jobs runs them in the consumer, with retries): a request stores a
job and answers, so a slow or dead mail server never delays a response or turns it into a 500.
A failure raises ``MailNotSent`` naming the error's class only: never the body (it holds tokens).
"""

import logging
import os
import smtplib
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger("taskapi.mail")

SMTP_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
                 "MAIL_PASSWORD", "MAIL_TIMEOUT_SECONDS")


class MailNotSent(Exception):
    """The SMTP server (or the outbox folder) refused or could not be reached; the job retries."""


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
    """Deliver a message now (called from jobs only).

    :raises MailNotSent: the server or the outbox failed; the message names the error's class only
    """
    config = current_app.config
    message = build_message(to, subject, text, html, config["MAIL_FROM"])
    settings = {name: config[name] for name in SMTP_SETTINGS}
    outbox = config["MAIL_OUTBOX_DIR"] or os.path.join(current_app.instance_path, "outbox")
    deliver(message, settings, outbox)


def deliver(message, settings, outbox):
    """Send through SMTP, or write to the outbox without a server; log either way."""
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
        raise MailNotSent(error.__class__.__name__) from None


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
    """Save the message as an .eml file readable only by this user; returns its path.

    Written under a temporary name and renamed, so whoever lists the outbox never reads half a mail.
    """
    os.makedirs(outbox, mode=0o700, exist_ok=True)
    path = os.path.join(outbox, f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}.eml")
    descriptor = os.open(f"{path}.part", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())
    os.rename(f"{path}.part", path)
    return path
