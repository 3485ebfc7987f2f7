"""One running app per user profile: a second launch hands its file to the first one.

The first instance listens on a local socket (a Unix socket, or a named pipe on Windows) named
after the user and the profile folder (so ``ATELIER_HOME`` profiles, and tests, stay apart). A
later launch connects, sends the path it was given (or nothing: "show yourself") and exits.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import config

#: How long a launch waits for the running instance (connect, write, answer), per step.
TIMEOUT_MS = 3000


def server_name() -> str:
    """The socket's name for this user and profile."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the profile still separates
        user = ""
    key = f"{user}\n{config.config_dir()}".encode()
    return "atelier-citoyen-" + hashlib.sha256(key).hexdigest()[:16]


def send_to_running(path: Path | None, name: str | None = None) -> bool:
    """Hand ``path`` (None: just raise the window) to a running instance; False if none runs."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    message = {"open": str(Path(path).resolve()) if path is not None else None}
    socket.write(json.dumps(message).encode("utf-8") + b"\n")
    socket.waitForBytesWritten(TIMEOUT_MS)
    # The running instance answers "ok" once it has the message: then this launch can exit.
    delivered = socket.waitForReadyRead(TIMEOUT_MS) and socket.readAll().data().startswith(b"ok")
    socket.disconnectFromServer()
    return delivered


class InstanceServer(QObject):
    """Listens for later launches; emits ``open_requested(path)`` ("" for "raise the window")."""

    open_requested = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening, removing a socket left behind by an instance that crashed.

        False if another instance listens already (two launches at the same moment): this one
        then runs on its own, without taking the other's socket away.
        """
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(200):
            probe.abort()
            return False
        QLocalServer.removeServer(self.name)  # nobody behind it: at most a stale socket file
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + socket.readAll().data()
        if b"\n" not in data:
            self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        try:
            path = json.loads(line.decode("utf-8")).get("open")
        except (ValueError, AttributeError):
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.open_requested.emit(path if isinstance(path, str) else "")

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


class FileOpenFilter(QObject):
    """macOS hands a double-clicked document to the app as a FileOpen event, not in argv."""

    def __init__(self, handler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and event.file():
            self._handler(event.file())
            return True
        return False
