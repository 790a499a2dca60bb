"""One app per user and data folder: a link opened while the app runs goes to the running app.

The first instance listens on a local socket (``QLocalServer``: a Unix socket
or a Windows named pipe) whose name is derived from the user and the data
folder, so two data folders (a test, a second profile) are two instances. A
second start with a link or file connects, hands over its text and exits;
the running window then opens it and comes to the front.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["InstanceServer", "hand_to_running", "instance_name"]

_MAX_MESSAGE = 16 * 1024


def instance_name(data_dir: Path) -> str:
    """The socket name for this user and data folder (short: Unix sockets have a length limit)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"request-composer-{digest}"


def hand_to_running(name: str, text: str, *, timeout_ms: int = 1500) -> bool:
    """Send ``text`` to a running instance; False when none answers (then this one starts)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    data = text.encode("utf-8")[:_MAX_MESSAGE]
    socket.write(len(data).to_bytes(4, "big") + data)
    delivered = socket.waitForBytesWritten(timeout_ms)
    # the server answers one byte once it took the text
    answered = delivered and socket.waitForReadyRead(timeout_ms) and socket.read(1).data() == b"1"
    socket.disconnectFromServer()
    return bool(answered)


class InstanceServer(QObject):
    """Listens for texts from later starts; :attr:`received` carries each one, on the GUI thread."""

    received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # a socket left by a crashed instance: nobody answered on it, so take it over
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()

            def read(socket: QLocalSocket = socket, buffer: bytearray = buffer) -> None:
                buffer.extend(socket.readAll().data())
                if len(buffer) < 4:
                    return
                size = int.from_bytes(buffer[:4], "big")
                if size > _MAX_MESSAGE:
                    self._finish(socket)
                    return
                if len(buffer) - 4 < size:
                    return
                text = bytes(buffer[4 : 4 + size]).decode("utf-8", errors="replace")
                socket.write(b"1")
                socket.flush()
                self._finish(socket)
                self.received.emit(text)

            socket.readyRead.connect(read)
            if socket.bytesAvailable():
                read()

    @staticmethod
    def _finish(socket: QLocalSocket) -> None:
        # No Python slot may run while Qt destroys the socket: disconnect, then delete later.
        socket.readyRead.disconnect()
        socket.disconnectFromServer()
        socket.deleteLater()
