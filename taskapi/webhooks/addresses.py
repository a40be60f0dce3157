"""Where a webhook may point: http(s) URLs without user info, to public unicast addresses only.

``refusal()`` is the one answer for an IP address: loopback, private, link-local (the cloud
metadata address 169.254.169.254 included), shared (100.64/10), multicast, reserved, unspecified,
IPv6 unique-local and link-local, and every such IPv4 address wrapped in IPv6 (mapped, 6to4,
NAT64, Teredo) is refused, unless WEBHOOK_ALLOWED_NETWORKS opens its range.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

SHARED = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")


class BadWebhookUrl(ValueError):
    """A URL no webhook may use; the message says why (it never names a resolved address)."""


@dataclass(frozen=True)
class Target:
    """A checked URL, split for the client: the Host header's name, the port, the request path."""

    scheme: str
    host: str
    port: int
    path: str


def embedded_ipv4(address):
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64, Teredo), or None."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address, allowed=()):
    """Why ``address`` (text or an ipaddress object) may not be reached, or None when it may."""
    address = ipaddress.ip_address(address) if isinstance(address, str) else address
    if any(address.version == network.version and address in network for network in allowed):
        return None
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = refusal(inner, allowed)
        return f"{reason} (inside an IPv6 address)" if reason else None
    checks = (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("shared", address.version == 4 and address in SHARED),
              ("reserved", address.is_reserved),
              ("unique-local" if address in UNIQUE_LOCAL else "private", address.is_private),
              ("not global", not address.is_global))
    return next((name for name, refused in checks if refused), None)


def allowed_networks(config=None):
    """WEBHOOK_ALLOWED_NETWORKS as ip_network objects.

    :raises ValueError: an entry that is not a CIDR (checked when the app starts)
    """
    config = config if config is not None else current_app.config
    return tuple(ipaddress.ip_network(item, strict=False) for item in config["WEBHOOK_ALLOWED_NETWORKS"])


def http_allowed(config=None):
    """True when plain http endpoints are accepted (WEBHOOK_ALLOW_HTTP; unset: outside production)."""
    config = config if config is not None else current_app.config
    setting = config["WEBHOOK_ALLOW_HTTP"]
    return setting if setting is not None else config["ENV_NAME"] != "production"


def literal_address(host):
    """The IP address ``host`` spells, in any form the resolver would read as one (``127.1``, ``0x7f.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # parses text only: no lookup
    except (OSError, UnicodeError):
        return None


def check_url(url, config=None):
    """The parts of ``url`` if a webhook may use it: scheme, user info, host, port, literal address.

    No name is resolved here: the client resolves and checks again on every delivery.
    :raises BadWebhookUrl: why not
    """
    config = config if config is not None else current_app.config
    if any(ord(character) <= 32 or ord(character) == 127 for character in url):
        raise BadWebhookUrl("The URL may not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadWebhookUrl("Not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or (scheme == "http" and not http_allowed(config)):
        raise BadWebhookUrl("The URL must use https." if scheme == "http" or not http_allowed(config)
                            else "The URL must use http or https.")
    if "@" in parts.netloc:
        raise BadWebhookUrl("The URL may not contain a user name or password.")
    host = (parts.hostname or "").rstrip(".")
    address = literal_address(host) if host else None
    labels = host.split(".")
    if address is None and not (set(host) <= HOST_CHARACTERS and all(0 < len(label) < 64 for label in labels)):
        raise BadWebhookUrl("The URL must name a host (letters, digits, '-', '.').")
    if port == 0:
        raise BadWebhookUrl("Not a valid URL: port 0.")
    if address is not None:
        reason = refusal(address, allowed_networks(config))
        if reason:
            raise BadWebhookUrl(f"The URL points at an address webhooks may not reach ({reason}).")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)
