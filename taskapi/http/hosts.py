"""The Host header: the API answers only to the names in TRUSTED_HOSTS (Flask's own setting).

The URLs the API builds (Location, Link) start with PUBLIC_URL when it is set, so they never
reflect a port or scheme a client or a proxy put in the request.
"""

import logging
from functools import lru_cache

from flask import current_app, request
from werkzeug.sansio.utils import get_current_url

log = logging.getLogger("taskapi")

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


def check_public_url(app):
    """Warn when production builds its URLs from each request's Host (PUBLIC_URL unset)."""
    if app.config["ENV_NAME"] == "production" and not app.config.get("PUBLIC_URL"):
        log.warning("PUBLIC_URL is not set: Location and Link follow each request's Host and port")


def external_url(path):
    """The absolute URL of ``path`` (with this app's script root): on PUBLIC_URL, else on the request's host."""
    current = request._get_current_object()  # one proxy lookup for the two reads below
    return (current_app.config.get("PUBLIC_URL") or host_base(current.scheme, current.host)) + path


@lru_cache(maxsize=64)
def host_base(scheme, host):
    """``request.host_url`` without its slash, worked out once per scheme and (trusted) host.

    werkzeug builds it as an IRI (an IDNA decode and a URL parse) on every request that asks.
    """
    return get_current_url(scheme, host).rstrip("/")
