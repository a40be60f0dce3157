"""A real webhook receiver on a loopback address: it records every request and verifies it with standardwebhooks."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks import WebhookVerificationError


class Received:
    """One request as the receiver saw it."""

    def __init__(self, path, headers, body):
        self.path, self.headers, self.body = path, headers, body

    def verified_with(self, secret):
        """The parsed payload if ``secret`` verifies the request (standardwebhooks), else None."""
        try:
            return StandardWebhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return None


class Receiver:
    """``with Receiver() as receiver``: a threaded HTTP server answering ``statuses`` in turn (then ``status``)."""

    def __init__(self, host="127.0.0.1", port=0, status=204, location=None):
        self.host, self.port, self.status, self.location = host, port, status, location
        self.statuses = []  # answered first, one per request
        self.requests = []
        self.arrived = threading.Condition()

    def __enter__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.status
                # Recorded before answering: once the sender has its answer, the test may count requests.
                with receiver.arrived:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    receiver.arrived.notify_all()
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/hook"

    def wait_for(self, count, timeout=20):
        """Wait until ``count`` requests arrived; returns them all."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.requests) >= count, timeout), (
                f"expected {count} requests, got {len(self.requests)}")
            return list(self.requests)
