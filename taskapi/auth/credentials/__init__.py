"""Accounts and what proves them: lookups, creation, admin changes, passwords, mailed tokens, failure budgets."""
