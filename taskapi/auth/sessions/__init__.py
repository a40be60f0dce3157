"""Sessions and tokens: login sessions, JWTs and their keys, personal access tokens."""
