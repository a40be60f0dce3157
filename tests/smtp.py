"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and an ephemeral port, keeping what it receives."""

import re
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.live import free_port


class Inbox:
    """aiosmtpd handler that parses every message received and lets tests wait for them."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=10):
        """The first ``count`` messages, waiting up to ``timeout`` seconds for them to arrive."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
            return self.messages[:count]

    def newest(self, subject, count, timeout=10):
        """The newest of the first ``count`` messages whose subject is ``subject``.

        Mail jobs pending together may be sent in either order (the consumer runs them on several
        threads), so a test names the message it wants rather than its place.
        """
        for message in reversed(self.wait_for(count, timeout)):
            if message["Subject"] == subject:
                return message
        raise AssertionError(f"no message {subject!r} among the first {count}")

    def last_for(self, address, count=None):
        """The newest message to ``address`` (after waiting for ``count`` messages in all)."""
        self.wait_for(count or len(self.messages) or 1)
        for message in reversed(self.messages):
            if message["To"] == address:
                return message
        raise AssertionError(f"no message to {address}")


def token_in(message):
    """The token a taskapi mail carries, read from its plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"^Token: (\S+)", text, re.MULTILINE).group(1)


class SmtpServer:
    """Start and stop an aiosmtpd controller around an Inbox."""

    def __init__(self, port=None):
        self.inbox = Inbox()
        self.port = port or free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
