"""The address checker and the guarded client's resolution step, with a stubbed resolver: nothing is ever sent."""

import ipaddress
import socket

import pytest

from taskapi.webhooks import client
from taskapi.webhooks.addresses import BadWebhookUrl, check_url, refusal

REFUSED = {
    "127.0.0.1": "loopback", "127.255.255.254": "loopback", "::1": "loopback",
    "10.0.0.1": "private", "172.16.0.1": "private", "192.168.1.1": "private",
    "169.254.169.254": "link-local", "169.254.0.1": "link-local", "fe80::1": "link-local",
    "100.64.0.1": "shared", "100.127.255.254": "shared",
    "224.0.0.1": "multicast", "239.255.255.250": "multicast", "ff02::1": "multicast",
    "0.0.0.0": "unspecified", "::": "unspecified",
    "240.0.0.1": "reserved", "255.255.255.255": "reserved",
    "fd00::1": "unique-local", "fc00::1": "unique-local",
    "192.0.2.1": "private", "198.18.0.1": "private", "2001:db8::1": "private",
    "::ffff:127.0.0.1": "loopback (inside an IPv6 address)",
    "::ffff:10.0.0.1": "private (inside an IPv6 address)",
    "::ffff:169.254.169.254": "link-local (inside an IPv6 address)",
    "::ffff:100.64.0.1": "shared (inside an IPv6 address)",
    "::ffff:0.0.0.0": "unspecified (inside an IPv6 address)",
    "::ffff:224.0.0.1": "multicast (inside an IPv6 address)",
    "::ffff:240.0.0.1": "reserved (inside an IPv6 address)",
    "2002:a00:1::": "private (inside an IPv6 address)",  # 6to4 of 10.0.0.1
    "2002:a9fe:a9fe::": "link-local (inside an IPv6 address)",  # 6to4 of 169.254.169.254
    "64:ff9b::a9fe:a9fe": "link-local (inside an IPv6 address)",  # NAT64 of 169.254.169.254
}
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize(("address", "reason"), REFUSED.items())
def test_every_internal_range_is_refused(address, reason):
    assert refusal(address) == reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_is_allowed(address):
    assert refusal(address) is None


def test_allowed_networks_open_only_their_range():
    allowed = (ipaddress.ip_network("127.0.0.1/32"),)
    assert refusal("127.0.0.1", allowed) is None
    assert refusal("::ffff:127.0.0.1", allowed) is None  # the same host
    assert refusal("127.0.0.2", allowed) == "loopback"
    assert refusal("::1", allowed) == "loopback"
    assert refusal("10.0.0.1", allowed) == "private"


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/", "http or https"),
    ("file:///etc/passwd", "http or https"),
    ("gopher://example.com/", "http or https"),
    ("https://user:pass@example.com/", "user name or password"),
    ("https://user@example.com/", "user name or password"),
    ("https://exa mple.com/", "spaces or control"),
    ("https://example.com/\n", "spaces or control"),
    ("https://example.com:99999/", "Not a valid URL"),
    ("https:///path", "must name a host"),
    ("https://ex%41mple.com/", "must name a host"),
    ("https://a..b/", "must name a host"),
    ("https://xn--bcher-kva.example:0/", "port 0"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://10.0.0.1/", "private"),
    ("https://127.0.0.2/", "loopback"),  # the app opens 127.0.0.1/32 only
    ("https://127.2/", "loopback"),  # the resolver reads these as 127.0.0.2
    ("https://2130706434/", "loopback"),
    ("https://0x7f.0.0.2/", "loopback"),
    ("https://0/", "unspecified"),
    ("https://[::1]/", "loopback"),
    ("https://[::ffff:169.254.169.254]/", "link-local"),
    ("https://[fd00::1]/", "unique-local"),
    ("https://[fe80::1%25eth0]/", "link-local"),
])
def test_check_url_refuses(app, url, message):
    with app.app_context(), pytest.raises(BadWebhookUrl, match=message):
        check_url(url)


def test_check_url_keeps_host_port_and_path(app):
    with app.app_context():
        target = check_url("https://Hooks.Example.com:8443/in?x=1#frag")
        assert (target.scheme, target.host, target.port, target.path) == ("https", "hooks.example.com", 8443, "/in?x=1")
        assert check_url("http://example.com").path == "/"


def test_production_takes_https_only_unless_configured(make_app):
    production = make_app(ENV_NAME="production")
    with production.app_context(), pytest.raises(BadWebhookUrl, match="must use https"):
        check_url("http://example.com/")
    opened = make_app(ENV_NAME="production", WEBHOOK_ALLOW_HTTP=True)
    with opened.app_context():
        assert check_url("http://example.com/").scheme == "http"


@pytest.fixture
def no_sending(monkeypatch):
    """Fail the test if anything tries to open a connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def stub_resolver(monkeypatch, *addresses):
    """Make every name resolve to ``addresses`` (and record the lookups)."""
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.mark.parametrize("addresses", [
    ("169.254.169.254",), ("10.0.0.1",), ("::ffff:10.0.0.1",), ("fd00::1",), ("fe80::1",), ("100.64.0.1",),
    ("127.0.0.2",), ("::1",), ("0.0.0.0",), ("224.0.0.1",), ("::ffff:169.254.169.254",), ("64:ff9b::a00:1",),
    ("93.184.215.14", "10.0.0.1"),  # one bad address refuses the whole name
])
def test_a_name_resolving_to_a_refused_address_is_never_contacted(app, monkeypatch, no_sending, addresses):
    lookups = stub_resolver(monkeypatch, *addresses)
    with app.app_context():
        outcome = client.post("https://hooks.example.com/in", b"{}", {}, timeout=1,
                              allowed=(ipaddress.ip_network("127.0.0.1/32"),), config=app.config)
    assert outcome == client.Outcome(None, "the host resolves to an address webhooks may not reach")
    assert lookups == ["hooks.example.com"]  # resolved once


def test_an_unresolvable_name_fails_without_sending(app, monkeypatch, no_sending):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with app.app_context():
        outcome = client.post("https://nowhere.example/", b"{}", {}, timeout=1, allowed=(), config=app.config)
    assert outcome.error == "the host name could not be resolved" and not outcome.succeeded


def test_the_connection_goes_to_the_checked_address_with_the_original_host(app, monkeypatch):
    """A name resolved once to an allowed address: the socket opens to that address, Host names the name."""
    stub_resolver(monkeypatch, "127.0.0.1")
    opened = []

    class Recorded(Exception):
        pass

    def create_connection(address, timeout=None, *args, **kwargs):
        opened.append(address)
        raise Recorded

    monkeypatch.setattr(socket, "create_connection", create_connection)
    connection = client.PinnedHTTPConnection("hooks.example.com", 80, "127.0.0.1", 1)
    with pytest.raises(Recorded):
        connection.connect()
    assert opened == [("127.0.0.1", 80)]
    connection.putrequest("POST", "/in")  # http.client writes the Host header from the original name
    assert b"Host: hooks.example.com" in b"".join(connection._buffer)
    tls = client.PinnedHTTPSConnection("hooks.example.com", 443, "127.0.0.1", 1)
    assert tls.host == "hooks.example.com" and tls.tls.check_hostname
