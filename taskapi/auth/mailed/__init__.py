"""Mailed flows: password-reset and verification mails, email change, the sealed tokens jobs carry."""

from taskapi.auth.mailed.account_mails import queue_password_reset, queue_verification_mail
from taskapi.auth.mailed.email_change import confirm_email_change, remove_email, request_email_change
from taskapi.auth.mailed.verification import request_verification, verify_email

__all__ = ["confirm_email_change", "queue_password_reset", "queue_verification_mail", "remove_email",
           "request_email_change", "request_verification", "verify_email"]
