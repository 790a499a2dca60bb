"""A real Dovecot IMAP server on 127.0.0.1, serving one Maildir folder, with TLS.

Debian's ``dovecot-imapd`` runs here with its own configuration, passwd-file
and runtime folders in a temporary directory, on two ephemeral loopback
ports: implicit TLS (:attr:`DovecotServer.port`) and plain IMAP that
requires STARTTLS before login (:attr:`DovecotServer.starttls_port`). The
certificate is minted by ``trustme``; :meth:`client_context` trusts it. It
never touches the system's Dovecot (``/etc/dovecot``, its sockets or ports).

The mailbox is a Maildir the server's own folder holds; :meth:`link_from`
puts it where another writer files mail (for example the folder Request
Tracker's outgoing mail is captured into), so what the app reads is
exactly what the helpdesk sent. Dovecot refuses to open mail as root: when the tests run as
root, mail is accessed as the ``dovecot`` system user, and a small thread
opens up to it what other root processes file into the Maildir (RT writes
its mail with mode 0600).
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import trustme

USER = "maria@example.gr"
PASSWORD = "imap-Pa55-3e1f"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

_CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home
}}
mail_location = maildir:{maildir}:INDEX={root}/index:CONTROL={root}/control
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class DovecotServer:
    """Use as a context manager.

    Args:
        user, password: the one account (the passwd-file holds it in plain text:
            a throw-away test password).
    """

    def __init__(self, *, user: str = USER, password: str = PASSWORD) -> None:
        self._temp = tempfile.TemporaryDirectory(prefix="rc-dovecot-")
        self.root = Path(self._temp.name)
        self.maildir = self.root / "Maildir"
        self.user = user
        self.password = password
        self.ca = trustme.CA()
        self.port = _free_port()
        self.starttls_port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._opener: threading.Thread | None = None

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's certificate."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def _accounts(self) -> tuple[int, int, str, str, str]:
        """uid, gid for mail; internal user and group; login user."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.getuid())
            group = grp.getgrgid(os.getgid()).gr_name
            return os.getuid(), os.getgid(), me.pw_name, group, me.pw_name
        try:
            dovecot = pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
        except KeyError:
            raise RuntimeError("the dovecot and dovenull users are missing: install dovecot-imapd") from None
        group = grp.getgrgid(dovecot.pw_gid).gr_name
        return dovecot.pw_uid, dovecot.pw_gid, "dovecot", group, "dovenull"

    def open_maildir(self) -> None:
        """Make the Maildir readable and writable for the mail user (call after others write to it)."""
        for sub in ("", "new", "cur", "tmp"):
            folder = self.maildir / sub
            folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                folder.chmod(0o777)
        if os.geteuid() == 0:
            for sub in ("new", "cur"):
                for item in (self.maildir / sub).iterdir():
                    with contextlib.suppress(OSError):  # Dovecot may be moving it to cur/
                        if item.stat().st_mode & 0o777 != 0o666:
                            item.chmod(0o666)

    def _keep_open(self) -> None:
        while not self._stopping.wait(0.05):
            with contextlib.suppress(OSError):
                self.open_maildir()

    def start(self) -> DovecotServer:
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot is not installed: scripts/setup --dev installs dovecot-imapd")
        uid, gid, internal, internal_group, login = self._accounts()
        for sub in ("run", "state", "home", "index", "control"):
            (self.root / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            self.root.chmod(0o755)  # the auth process (user dovecot) reads the passwd-file
            for sub in ("home", "index", "control"):
                os.chown(self.root / sub, uid, gid)
        self.open_maildir()
        cert = self.ca.issue_cert("localhost", "127.0.0.1")
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n", encoding="utf-8")
        config = self.root / "dovecot.conf"
        config.write_text(
            _CONFIG.format(
                root=self.root,
                maildir=self.maildir,
                uid=uid,
                gid=gid,
                internal=internal,
                internal_group=internal_group,
                login=login,
                port=self.port,
                starttls_port=self.starttls_port,
            ),
            encoding="utf-8",
        )
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                output = self._process.stdout.read().decode(errors="replace") if self._process.stdout else ""
                raise RuntimeError(f"Dovecot did not start: {output}{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            if os.geteuid() == 0:
                self._opener = threading.Thread(target=self._keep_open, name="maildir-opener", daemon=True)
                self._opener.start()
            return self
        self.stop()
        raise RuntimeError(f"Dovecot did not listen on {self.port}: {self.log()}")

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def link_from(self, path: Path) -> None:
        """Make ``path`` (say, the folder RT files a requester's mail into) this Maildir.

        Dovecot opens mail as an unprivileged user, who cannot reach into a
        private temporary folder such as pytest's; a symbolic link from there
        to this server's own (reachable) Maildir lets the writer keep its path.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(self.maildir, target_is_directory=True)

    def deliver(self, message: bytes) -> Path:
        """Put a message into the Maildir's ``new`` folder, as a delivery agent does."""
        name = f"{time.time_ns()}.{os.getpid()}.rc-test"
        temp = self.maildir / "tmp" / name
        temp.write_bytes(message)
        target = self.maildir / "new" / name
        os.replace(temp, target)
        self.open_maildir()
        return target

    def stop(self) -> None:
        self._stopping.set()
        if self._opener is not None:
            self._opener.join(5)
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
        self._temp.cleanup()

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
