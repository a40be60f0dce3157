"""Signing in and proving it again: password and passkey login, the second step, re-authentication."""
