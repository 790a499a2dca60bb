"""The real osTicket 1.18.1 on loopback: its unmodified source, Apache with mod_php and MariaDB from Debian.

:func:`start_osticket` unpacks ``../shared/helpdesks/osticket-v1.18.1.tar.xz``
(the ``OSTICKET_TARBALL`` environment variable can point elsewhere) into a
temporary folder, starts a MariaDB of its own there (own data folder, a
socket only, no network), an Apache of its own (own configuration, an
ephemeral port on 127.0.0.1, mod_php and mod_rewrite, osTicket's own
``.htaccess``), runs osTicket's web installer (the form ``setup/install.php``
posts) and then removes ``setup/`` as osTicket's documentation says. After
that, as an administrator would in the admin panel: an API key bound to
127.0.0.1 that may create tickets, and "Verify Email Addresses" off (with no
DNS here every address would fail). Debian's own Apache and MariaDB (if any)
are neither used nor touched. As root, Apache's children run as ``www-data``
and MariaDB as root with ``--user=root``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers.smtp import free_port

__all__ = ["OsTicket", "start_osticket"]

TARBALL = Path(__file__).resolve().parents[2].parent / "shared" / "helpdesks" / "osticket-v1.18.1.tar.xz"
MODULES = Path("/usr/lib/apache2/modules")
PACKAGES = "apache2 libapache2-mod-php8.2 php8.2-mysql php8.2-mbstring php8.2-xml php8.2-intl mariadb-server"

_APACHE_CONF = """\
ServerRoot "{root}"
ServerName 127.0.0.1
PidFile "{root}/apache.pid"
Mutex file:{root}
Listen 127.0.0.1:{port}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule php_module {modules}/libphp8.2.so
{user}
StartServers 2
MaxRequestWorkers 10
ErrorLog "{root}/apache-error.log"
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot "{www}"
DirectoryIndex index.php
<Directory "{www}">
    AllowOverride All
    Require all granted
</Directory>
<FilesMatch "\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
php_admin_value session.save_path "{root}/sessions"
php_admin_value error_log "{root}/php-error.log"
"""


@dataclass(frozen=True)
class OsTicket:
    """A running osTicket: its URL, an API key for 127.0.0.1, and SQL access to its database."""

    url: str
    api_key: str
    socket: Path
    database: str

    def sql(self, statement: str) -> list[list[str]]:
        """Rows of ``statement`` (tab-separated by the mariadb client), for tests to look inside."""
        done = subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                "-S",
                str(self.socket),
                "-u",
                "root",
                "-N",
                "-B",
                self.database,
                "-e",
                statement,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return [line.split("\t") for line in done.stdout.splitlines()]


def _require() -> None:
    missing = [
        str(p)
        for p in (
            MODULES / "libphp8.2.so",
            MODULES / "mod_rewrite.so",
            Path("/usr/sbin/apache2"),
            Path("/usr/sbin/mariadbd"),
        )
        if not p.exists()
    ]
    if missing or shutil.which("mariadb-install-db") is None:
        raise RuntimeError(
            "osTicket needs Apache with mod_php and MariaDB "
            f"(missing: {', '.join(missing) or 'mariadb-install-db'}); run scripts/setup --dev ({PACKAGES})"
        )
    if not TARBALL.exists() and not os.environ.get("OSTICKET_TARBALL"):
        raise RuntimeError(f"the osTicket source is not at {TARBALL}; set OSTICKET_TARBALL")


def _traversable(path: Path) -> None:
    """Let Apache's www-data through the folders above ``path`` (pytest's are 0700)."""
    for folder in [path, *path.parents]:
        if folder in (Path("/tmp"), Path("/")):
            break
        folder.chmod(folder.stat().st_mode | 0o005)


def _wait(check: object, what: str, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"{what} did not start: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}"
    )


@contextmanager
def start_osticket(root: Path) -> Iterator[OsTicket]:
    _require()
    root.mkdir(parents=True, exist_ok=True)
    www = root / "www"
    with tarfile.open(os.environ.get("OSTICKET_TARBALL", str(TARBALL))) as archive:
        archive.extractall(www, filter="tar")
    config = www / "include" / "ost-config.php"
    shutil.copy(www / "include" / "ost-sampleconfig.php", config)
    config.chmod(0o666)
    (root / "sessions").mkdir()
    (root / "sessions").chmod(0o1777)
    as_root = os.geteuid() == 0
    with ExitStack() as stack:
        socket = root / "mysql.sock"
        data = root / "db"
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *(["--user=root"] if as_root else []),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        db_log = root / "mariadb.log"
        mariadb = subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={socket}",
                "--skip-networking",
                f"--pid-file={root / 'mariadb.pid'}",
                f"--log-error={db_log}",
                *(["--user=root"] if as_root else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        stack.callback(_stop, mariadb)
        _wait(socket.exists, "MariaDB", db_log)
        password = secrets.token_hex(8)
        subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                "-S",
                str(socket),
                "-u",
                "root",
                "-e",
                "CREATE DATABASE osticket; "
                f"CREATE USER 'osticket'@'localhost' IDENTIFIED BY '{password}'; "
                "GRANT ALL ON osticket.* TO 'osticket'@'localhost';",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        port = free_port()
        conf = root / "apache.conf"
        conf.write_text(
            _APACHE_CONF.format(
                root=root,
                port=port,
                modules=MODULES,
                www=www,
                user="User www-data\nGroup www-data" if as_root else "",
            ),
            encoding="utf-8",
        )
        if as_root:
            _traversable(root)
            shutil.chown(config, "www-data")
        apache_log = root / "apache-error.log"
        apache = subprocess.Popen(
            ["/usr/sbin/apache2", "-f", str(conf), "-DFOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        stack.callback(_stop, apache)
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return httpx.get(f"{url}/setup/", timeout=2).status_code < 500
            except httpx.TransportError:
                return False

        _wait(answers, "Apache", apache_log)
        admin_password = "Adm1n-" + secrets.token_hex(6)
        with httpx.Client(base_url=url, timeout=120, follow_redirects=True) as client:
            client.get("/setup/install.php")
            installed = client.post(
                "/setup/install.php",
                data={
                    "s": "install",
                    "name": "Example Hosting Support",
                    "email": "support@example.test",
                    "lang_id": "en_US",
                    "fname": "Eleni",
                    "lname": "Admin",
                    "admin_email": "admin@example.test",
                    "username": "eleni",
                    "passwd": admin_password,
                    "passwd2": admin_password,
                    "prefix": "ost_",
                    "dbhost": f"localhost:{socket}",
                    "dbname": "osticket",
                    "dbuser": "osticket",
                    "dbpass": password,
                    "timezone": "UTC",
                },
            )
        if "Congratulations" not in installed.text:
            raise RuntimeError(f"osTicket's installer did not finish: {installed.text[-1500:]}")
        shutil.rmtree(www / "setup")
        config.chmod(0o644)
        key = secrets.token_hex(16).upper()
        ticket = OsTicket(url=url, api_key=key, socket=socket, database="osticket")
        ticket.sql(
            "INSERT INTO ost_api_key (isactive, ipaddr, apikey, can_create_tickets, can_exec_cron, notes, "
            f"updated, created) VALUES (1, '127.0.0.1', '{key}', 1, 0, 'relay tests', NOW(), NOW()); "
            "INSERT INTO ost_config (namespace, `key`, value, updated) "
            "VALUES ('core', 'verify_email_addrs', '0', NOW()) ON DUPLICATE KEY UPDATE value = '0';"
        )
        yield ticket


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
