"""Security events: stored, logged and mailed as notices; every capability records into it."""
