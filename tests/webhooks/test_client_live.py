"""The guarded client against real listeners on loopback addresses: refusals reach nobody, redirects are not followed.

Every address here is in 127.0.0.0/8 or ::1; the allowed network is 127.0.0.1/32 only.
"""

import ipaddress
import socket
import time

import pytest

from taskapi.webhooks import client
from tests.webhooks.receiver import Receiver

ALLOWED = (ipaddress.ip_network("127.0.0.1/32"),)


def send(app, url, allowed=ALLOWED, timeout=2):
    with app.app_context():
        return client.post(url, b'{"type":"webhook.ping"}', {"Content-Type": "application/json"}, timeout=timeout,
                           allowed=allowed, config=app.config)


def listener(host, family=socket.AF_INET, port=0):
    """A listening socket that accepts nothing by itself: ``connected(sock)`` says whether anyone came."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind((host, port))
    sock.listen(8)
    sock.setblocking(False)
    return sock


def connected(sock):
    time.sleep(0.2)
    try:
        sock.accept()[0].close()
        return True
    except BlockingIOError:
        return False


def ipv6_loopback_available():
    try:
        listener("::1", socket.AF_INET6).close()
        return True
    except OSError:
        return False


def test_a_delivery_to_the_allowed_receiver_arrives(app):
    with Receiver() as receiver:
        outcome = send(app, receiver.url)
        assert outcome == client.Outcome(204)
        [request] = receiver.wait_for(1)
        assert request.body == '{"type":"webhook.ping"}' and request.headers["Host"] == f"127.0.0.1:{receiver.port}"


@pytest.mark.parametrize(("url_of", "host"), [
    (lambda port: f"http://127.0.0.2:{port}/hook", "127.0.0.2"),
    (lambda port: f"http://[::ffff:127.0.0.2]:{port}/hook", "127.0.0.2"),
    (lambda port: f"http://0.0.0.0:{port}/hook", "127.0.0.1"),  # 0.0.0.0 reaches this machine
    (lambda port: f"http://127.2:{port}/hook", "127.0.0.2"),
])
def test_refused_loopback_addresses_receive_nothing(app, url_of, host):
    sock = listener(host)
    try:
        outcome = send(app, url_of(sock.getsockname()[1]))
        assert outcome.status_code is None and "may not reach" in outcome.error
        assert not connected(sock)
    finally:
        sock.close()


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_ipv6_loopback_receives_nothing(app):
    sock = listener("::1", socket.AF_INET6)
    try:
        outcome = send(app, f"http://[::1]:{sock.getsockname()[1]}/hook")
        assert "may not reach" in outcome.error and not connected(sock)
    finally:
        sock.close()


def test_a_name_is_checked_after_it_is_resolved(app):
    """localhost resolves to loopback: with no network allowed, the listener behind it hears nothing."""
    sock = listener("127.0.0.1")
    try:
        outcome = send(app, f"http://localhost:{sock.getsockname()[1]}/hook", allowed=())
        assert outcome.error == "the host resolves to an address webhooks may not reach"
        assert not connected(sock)
    finally:
        sock.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(app, status):
    with Receiver() as second, Receiver(status=status, location=None) as first:
        first.location = second.url
        outcome = send(app, first.url)
        assert outcome == client.Outcome(status, f"redirect ({status}) not followed")
        assert len(first.wait_for(1)) == 1
        time.sleep(0.2)
        assert second.requests == []


def test_a_redirect_to_a_refused_address_is_not_followed(app):
    sock = listener("127.0.0.2")
    try:
        with Receiver(status=307, location=f"http://127.0.0.2:{sock.getsockname()[1]}/") as first:
            assert send(app, first.url).status_code == 307
        assert not connected(sock)
    finally:
        sock.close()


def test_a_silent_endpoint_times_out(app):
    tarpit = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        started = time.monotonic()
        outcome = send(app, f"http://127.0.0.1:{tarpit.getsockname()[1]}/", timeout=0.5)
        assert outcome == client.Outcome(None, "timed out")
        assert time.monotonic() - started < 3
    finally:
        tarpit.close()


def test_a_closed_port_is_a_failure(app):
    sock = listener("127.0.0.1")
    port = sock.getsockname()[1]
    sock.close()
    assert send(app, f"http://127.0.0.1:{port}/").error == "connection refused"


def test_at_most_64_kib_of_a_response_is_read():
    class Endless:
        status = 200
        read_bytes = 0

        def read(self, size):
            self.read_bytes += size
            return b"x" * size

    response = Endless()

    class Connection:
        def request(self, *args, **kwargs):
            pass

        def getresponse(self):
            return response

    assert client.exchange(Connection(), "/", b"", {}, time.monotonic() + 5) == client.Outcome(200)
    assert response.read_bytes == client.MAX_RESPONSE_BYTES == 64 * 1024
