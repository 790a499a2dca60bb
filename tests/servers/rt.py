"""A real Request Tracker 5 (Debian's packages) on loopback, for the delivery and relay tests.

:func:`start_request_tracker` sets up a fresh RT in a folder of its own: its
own site configuration (``RT_SITE_CONFIG``; Debian's files in
``/etc/request-tracker5`` are not read), an SQLite database made by
``rt-setup-database``, ``rt-server`` (RT's standalone web server) on an
ephemeral port, and:

* a REST2 token for ``root`` (:attr:`RequestTracker.token`, sent as
  ``Authorization: token ...``), made with RT's own ``RT::AuthToken``;
* the rights a provider grants for a mail intake: Everyone may create tickets
  in, and reply to, the ``General`` queue;
* a mail gateway: :class:`RtMailGateway` is an SMTP server (aiosmtpd, TLS and
  AUTH like :class:`tests.servers.smtp.SmtpServer`) that hands every message
  to ``rt-mailgate --action correspond`` and answers ``250`` only once RT took
  it, as an MTA's pipe to ``rt-mailgate`` does; or :meth:`RequestTracker.mailgate`
  runs ``rt-mailgate`` directly;
* RT's outgoing mail (its automatic replies and correspondence) is written by
  a small "sendmail" into one Maildir per recipient under
  :attr:`RequestTracker.mail_root` (:meth:`RequestTracker.mailbox`), so that an
  IMAP server can serve a customer's own mailbox.

RT tags its mail ``[<rtname> #<id>]`` and threads incoming mail by that tag,
not by ``In-Reply-To``. A machine without RT fails the test that asks for it
with the packages to install (``scripts/apt-packages-dev.txt``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.servers.smtp import Received, SmtpServer, _Handler, free_port

RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server")
RT_LIB = Path("/usr/share/request-tracker5/lib")
SETUP_DATABASE = "rt-setup-database"
MAILGATE = "rt-mailgate"
RTNAME = "support.example.test"
CORRESPOND_ADDRESS = "support@example.test"
QUEUE = "General"

_SITE_CONFIG = """\
Set($rtname, '{rtname}');
Set($Organization, '{rtname}');
Set($CorrespondAddress, '{correspond}');
Set($CommentAddress, 'comment-{correspond}');
Set($WebPath, '');
Set($WebDomain, '127.0.0.1');
Set($WebPort, {port});
Set($WebBaseURL, 'http://127.0.0.1:{port}');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, '{database}');
Set($LogToSTDERR, 'warning');
Set($LogToFile, undef);
Set($LogToSyslog, undef);
Set($Timezone, 'UTC');
Set($MailCommand, 'sendmailpipe');
Set($SendmailPath, '{sendmail}');
Set($SendmailArguments, '-oi -t');
Set($OwnerEmail, 'rt-owner@example.test');
1;
"""

# RT's "sendmail": reads the message (``-t``: recipients from its headers) and
# files it into a Maildir per recipient, atomically (tmp/ then new/).
_SENDMAIL = """\
#!{python}
import os, sys, time, uuid
from email import message_from_bytes, policy
from email.utils import getaddresses
data = sys.stdin.buffer.read()
message = message_from_bytes(data, policy=policy.compat32)
recipients = getaddresses(message.get_all("To", []) + message.get_all("Cc", []) + message.get_all("Bcc", []))
root = {root!r}
for _name, address in recipients or [("", "unknown")]:
    box = os.path.join(root, (address or "unknown").lower())
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(box, sub), exist_ok=True)
    name = "%d.%s.rt" % (time.time(), uuid.uuid4().hex)
    with open(os.path.join(box, "tmp", name), "wb") as out:
        out.write(data)
    os.rename(os.path.join(box, "tmp", name), os.path.join(box, "new", name))
"""

# Run inside RT (its own Perl API): the token for root and the intake rights.
_PREPARE = r"""
use strict; use warnings;
use RT; RT::LoadConfig(); RT::Init();
my $root = RT::CurrentUser->new; $root->Load('root');
my $everyone = RT::Group->new(RT->SystemUser); $everyone->LoadSystemInternalGroup('Everyone');
my $queue = RT::Queue->new(RT->SystemUser); $queue->Load('General');
for my $right (qw(CreateTicket ReplyToTicket)) {
    my ($ok, $msg) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => $queue);
    die "grant $right: $msg" unless $ok;
}
my $token = RT::AuthToken->new($root);
my ($ok, $msg, $auth) = $token->Create(Owner => $root->id, Description => 'tests');
die "token: $msg" unless $ok;
print "$auth\n";
"""


class RtNotInstalled(RuntimeError):
    pass


def require_rt() -> None:
    """Fail with what to install when RT is not on this machine."""
    missing = [str(path) for path in (RT_SERVER, RT_LIB) if not path.exists()] + [
        name for name in (SETUP_DATABASE, MAILGATE) if shutil.which(name) is None
    ]
    if missing:
        raise RtNotInstalled(
            "Request Tracker is not installed (missing: "
            + ", ".join(missing)
            + "); run scripts/setup --dev (request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients)"
        )


@dataclass
class RequestTracker:
    """A running RT: its URL, a REST2 token, the mail gateway and the mail it sent."""

    root: Path
    port: int
    token: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    rtname: str = RTNAME
    correspond_address: str = CORRESPOND_ADDRESS
    queue: str = QUEUE
    log: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rest(self) -> str:
        return f"{self.url}/REST/2.0"

    @property
    def mail_root(self) -> Path:
        return self.root / "mail"

    def mailbox(self, address: str) -> Path:
        """The Maildir that RT's mail to ``address`` goes into (created empty when none came yet)."""
        box = self.mail_root / address.lower()
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        return box

    def mail_to(self, address: str) -> list[EmailMessage]:
        """Every message RT sent to ``address``, oldest first."""
        box = self.mailbox(address)
        files = sorted([*(box / "new").iterdir(), *(box / "cur").iterdir()], key=lambda p: p.stat().st_mtime)
        messages = []
        for path in files:
            parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            messages.append(parsed)
        return messages

    def subject_tag(self, ticket_id: int | str) -> str:
        """The tag RT puts in its subjects and threads incoming mail by."""
        return f"[{self.rtname} #{ticket_id}]"

    # REST2 -----------------------------------------------------------------

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call REST2 as root; returns the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.rest}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")

    def tickets(self, query: str = "id > 0") -> list[dict[str, Any]]:
        """Tickets matching a TicketSQL ``query``, with Subject, Status, Queue and Requestor."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.api(
                "GET",
                "tickets?"
                + urllib.parse.urlencode(
                    {
                        "query": query,
                        "fields": "Subject,Status,Queue,Requestor",
                        "per_page": 100,
                        "page": page,
                    }
                ),
            )
            found.extend(answer.get("items", []))
            if page >= int(answer.get("pages", 1) or 1):
                return found
            page += 1

    def ticket(self, ticket_id: int | str) -> dict[str, Any]:
        result: dict[str, Any] = self.api("GET", f"ticket/{ticket_id}")
        return result

    def correspondence(self, ticket_id: int | str) -> list[str]:
        """The text of every Create and Correspond transaction of a ticket, oldest first."""
        answer = self.api(
            "GET",
            f"ticket/{ticket_id}/history?fields=Type,Data&per_page=100",
        )
        texts = []
        for item in answer.get("items", []):
            if item.get("Type") not in {"Create", "Correspond"}:
                continue
            transaction = self.api("GET", f"transaction/{item['id']}")
            for hyperlink in transaction.get("_hyperlinks", []):
                if hyperlink.get("ref") != "attachment":
                    continue
                attachment = self.api("GET", hyperlink["_url"].split("/REST/2.0/", 1)[1])
                if str(attachment.get("ContentType", "")).startswith("text/plain"):
                    texts.append(base64.b64decode(attachment.get("Content", "")).decode("utf-8", "replace"))
        return texts

    # mail ------------------------------------------------------------------

    def mailgate(self, message: bytes, *, action: str = "correspond", queue: str | None = None) -> None:
        """Hand one message to RT as its MTA would; raises when RT did not take it."""
        done = subprocess.run(
            [MAILGATE, "--url", f"{self.url}/", "--queue", queue or self.queue, "--action", action],
            input=message,
            capture_output=True,
            env=self.env,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace")
            raise RuntimeError(f"rt-mailgate exited {done.returncode}: {reason}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_up(tracker: RequestTracker, deadline: float) -> None:
    while time.monotonic() < deadline:
        if tracker.process.poll() is not None:
            raise RuntimeError(f"rt-server exited: {tracker.log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{tracker.rest}/rt", timeout=2):
                pass
        except urllib.error.HTTPError:
            return  # it answers (401 without credentials)
        except OSError:
            time.sleep(0.2)
            continue
        else:
            return
    raise RuntimeError(f"rt-server did not answer in time: {tracker.log.read_text(errors='replace')[-2000:]}")


@contextmanager
def start_request_tracker(root: Path, *, timeout: float = 90.0) -> Iterator[RequestTracker]:
    """A fresh RT in ``root`` (an empty folder), stopped when the block ends."""
    require_rt()
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    sendmail = root / "sendmail"
    sendmail.write_text(_SENDMAIL.format(python=sys.executable, root=str(root / "mail")), encoding="utf-8")
    sendmail.chmod(0o755)
    (root / "mail").mkdir(exist_ok=True)
    (root / "site.d").mkdir(exist_ok=True)
    config = root / "RT_SiteConfig.pm"
    config.write_text(
        _SITE_CONFIG.format(
            rtname=RTNAME,
            correspond=CORRESPOND_ADDRESS,
            port=port,
            database=root / "rt.db",
            sendmail=sendmail,
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "RT_SITE_CONFIG": str(config),
        "RT_SITE_CONFIG_DIR": str(root / "site.d"),
        "PERL5LIB": str(RT_LIB),
    }
    setup = subprocess.run(
        [SETUP_DATABASE, "--action", "init", "--skip-create"],
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if setup.returncode != 0:
        raise RuntimeError(f"rt-setup-database failed: {setup.stdout[-1500:]!r} {setup.stderr[-1500:]!r}")
    prepared = subprocess.run(
        ["perl", f"-I{RT_LIB}", "-e", _PREPARE],
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if prepared.returncode != 0:
        raise RuntimeError(f"preparing RT failed: {prepared.stderr.decode(errors='replace')[-1500:]}")
    token = prepared.stdout.decode().strip().splitlines()[-1]
    log = root / "rt-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(RT_SERVER), "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=root,
            start_new_session=True,
        )
    tracker = RequestTracker(root=root, port=port, token=token, env=env, process=process, log=log)
    try:
        _wait_until_up(tracker, time.monotonic() + timeout)
        yield tracker
    finally:
        tracker.stop()


class _GatewayHandler(_Handler):
    """Accepts a message only once ``rt-mailgate`` has handed it to RT."""

    def __init__(self, server: RtMailGateway) -> None:
        super().__init__(server)
        self.gateway = server

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(smtp, session, envelope)
        if not answer.startswith("250"):
            return answer
        content = envelope.original_content or b""
        assert isinstance(content, bytes)
        tracker = self.gateway.tracker
        process = await asyncio.create_subprocess_exec(
            MAILGATE,
            "--url",
            f"{tracker.url}/",
            "--queue",
            tracker.queue,
            "--action",
            "correspond",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=tracker.env,
        )
        _out, error = await process.communicate(content)
        if process.returncode != 0:
            self.gateway.failures.append(error.decode(errors="replace"))
            return "451 4.3.0 The helpdesk did not take the message; try again later"
        return answer


class RtMailGateway(SmtpServer):
    """The provider's mail server in front of RT: SMTP with TLS and AUTH, delivering into RT.

    ``messages`` holds what it accepted (see :class:`SmtpServer`); every
    accepted message is in RT by the time the client reads ``250``.
    """

    handler_class = _GatewayHandler

    def __init__(self, tracker: RequestTracker, **options: Any) -> None:
        super().__init__(**options)
        self.tracker = tracker
        self.failures: list[str] = []


__all__ = [
    "CORRESPOND_ADDRESS",
    "RTNAME",
    "Received",
    "RequestTracker",
    "RtMailGateway",
    "RtNotInstalled",
    "require_rt",
    "start_request_tracker",
]
