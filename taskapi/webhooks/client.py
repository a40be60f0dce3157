"""The guarded outbound client: one POST to a checked address, no redirects, a bounded read.

The host is resolved once, every address it resolves to is checked (``addresses.refusal``) and
the connection goes to a checked address, with the original name in the Host header and, for
https, in SNI and the certificate check: a name that resolves differently a second later cannot
move the request. Any refused address refuses the whole delivery. http.client uses no proxy from
the environment and follows no redirect: a 3xx is a failure like any other non-2xx.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from taskapi.webhooks.addresses import BadWebhookUrl, check_url, refusal

MAX_RESPONSE_BYTES = 64 * 1024
CHUNK = 8192


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the status code (None without a response) and an error text for failures."""

    status_code: int | None
    error: str | None = None

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self):
        return self.status_code == 410


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked ``address``, naming ``host`` in the Host header."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked ``address``; SNI and the certificate check use ``host``."""

    def __init__(self, host, port, address, timeout, tls=None):
        self.tls = tls or ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def resolve(host, port):
    """Every address ``host`` resolves to (a literal resolves to itself), in the resolver's order."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in found))


def checked_addresses(host, port, allowed):
    """The addresses to connect to, all checked; an error text instead when any is refused or none is found."""
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError, OSError):
        return None, "the host name could not be resolved"
    if not addresses:
        return None, "the host name could not be resolved"
    if any(refusal(address.split("%", 1)[0], allowed) for address in addresses):
        return None, "the host resolves to an address webhooks may not reach"
    return addresses, None


def post(url, body, headers, *, timeout, allowed, config, tls=None):
    """POST ``body`` (bytes) to ``url`` through the guard; returns an ``Outcome``, never raises for the network."""
    try:
        target = check_url(url, config)
    except BadWebhookUrl as refused:
        return Outcome(None, str(refused))
    addresses, error = checked_addresses(target.host, target.port, allowed)
    if error:
        return Outcome(None, error)
    deadline = time.monotonic() + timeout
    last = Outcome(None, "no address answered")
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Outcome(None, "timed out")
        connection = (PinnedHTTPSConnection(target.host, target.port, address, remaining, tls)
                      if target.scheme == "https" else PinnedHTTPConnection(target.host, target.port, address,
                                                                            remaining))
        try:
            return exchange(connection, target.path, body, headers, deadline)
        except ConnectionRefusedError:
            last = Outcome(None, "connection refused")
        except TimeoutError:
            return Outcome(None, "timed out")
        except ssl.SSLError as failure:
            return Outcome(None, f"TLS error: {failure.__class__.__name__}")
        except (OSError, http.client.HTTPException) as failure:
            last = Outcome(None, f"connection failed: {failure.__class__.__name__}")
        finally:
            connection.close()
    return last


def exchange(connection, path, body, headers, deadline):
    """Send the request and read the status and at most MAX_RESPONSE_BYTES of the body, by ``deadline``."""
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    received = 0
    while received < MAX_RESPONSE_BYTES:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(min(CHUNK, MAX_RESPONSE_BYTES - received))
        if not chunk:
            break
        received += len(chunk)
    status = response.status
    if 300 <= status < 400:
        return Outcome(status, f"redirect ({status}) not followed")
    if not 200 <= status < 300:
        return Outcome(status, f"HTTP {status}")
    return Outcome(status)
