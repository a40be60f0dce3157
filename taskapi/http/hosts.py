"""The Host header: the API answers only to the names in TRUSTED_HOSTS (Flask's own setting)."""

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def ensure_trusted_hosts(app):
    """Make sure TRUSTED_HOSTS names at least one host; production refuses to start without it.

    Flask reads an empty list as "trust every Host", and every URL the API builds (Location,
    Link) takes its host from the request, so an empty list is never accepted: outside
    production it falls back to the local names ``make run`` serves on.
    """
    hosts = app.config.get("TRUSTED_HOSTS") or []
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    hosts = [host.strip() for host in hosts if host.strip()]
    if not hosts:
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("TRUSTED_HOSTS must be set in the environment in production "
                               "(comma-separated host names, e.g. api.example.com)")
        hosts = list(LOCAL_HOSTS)
    app.config["TRUSTED_HOSTS"] = hosts
