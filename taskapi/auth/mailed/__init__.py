"""Mailed flows: password-reset and verification mails, email change, the sealed tokens jobs carry."""
