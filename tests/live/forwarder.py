"""A loopback TCP forwarder the tests can cut and restore, to simulate a database outage."""

import socket
import threading


class Forwarder:
    """Forwards 127.0.0.1:<port> to an upstream address until stopped; restartable on the same port."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = None
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self):
        """Refuse new connections and cut every open one."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        try:
            # close() alone does not wake a thread blocked in accept(); shutdown() does.
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    # shutdown() first: close() alone does not wake the other pump blocked in recv(), and the
                    # peer would not see the connection end until it did.
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
