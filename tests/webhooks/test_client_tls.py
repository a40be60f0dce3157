"""https through the guard: the connection goes to the checked address, SNI and the certificate name the host."""

import datetime
import ipaddress
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from taskapi.webhooks import client

ALLOWED = (ipaddress.ip_network("127.0.0.1/32"),)


def self_signed(tmp_path, name):
    """A certificate for ``name`` (its own CA) and its key, as PEM files; returns (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path):
    """An https server on 127.0.0.1 with a certificate for hooks.test; records SNI names and Host headers."""
    cert, key = self_signed(tmp_path, "hooks.test")
    seen = {"sni": [], "host": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen["host"].append(self.headers["Host"])
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen["sni"].append(name)
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen, cert
    server.shutdown()
    server.server_close()


@pytest.fixture
def names_resolve_to_loopback(monkeypatch):
    """Every name resolves to 127.0.0.1 (the allowed receiver address)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def post(app, url, tls):
    with app.app_context():
        return client.post(url, b"{}", {"Content-Type": "application/json"}, timeout=5, allowed=ALLOWED,
                           config=app.config, tls=tls)


def test_https_names_the_host_in_sni_and_the_certificate_check(app, tls_server, names_resolve_to_loopback):
    port, seen, cert = tls_server
    trusted = ssl.create_default_context(cafile=str(cert))
    assert post(app, f"https://hooks.test:{port}/in", trusted) == client.Outcome(204)
    assert seen["sni"] == ["hooks.test"] and seen["host"] == [f"hooks.test:{port}"]


def test_a_certificate_for_another_name_is_refused(app, tls_server, names_resolve_to_loopback):
    port, seen, cert = tls_server
    trusted = ssl.create_default_context(cafile=str(cert))
    outcome = post(app, f"https://other.test:{port}/in", trusted)
    assert outcome.status_code is None and outcome.error.startswith("TLS error")
    assert seen["host"] == []  # nothing was posted


def test_an_untrusted_certificate_is_refused(app, tls_server, names_resolve_to_loopback):
    port, seen, _ = tls_server
    outcome = post(app, f"https://hooks.test:{port}/in", None)  # the system's trust store
    assert outcome.error.startswith("TLS error") and seen["host"] == []
