"""Shared projects: members with roles, invitations, and the one permission check behind every query."""
