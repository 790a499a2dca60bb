"""Secrets by the name they are given: settings, query strings, command lines, mail sessions.

``DB_PASSWORD = 'x'``, ``define('AUTH_KEY', 'x')``, ``<password>x</password>``,
``?token=x``, ``curl -u user:x``, ``mysql -px``, ``sshpass -p x``, a netrc
line, and the password of an IMAP, POP or SMTP session log. Only the value is
a finding, never the name before it. Part of :func:`composer.redact.find_secrets`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composer.redact_names import (
    QUERY_NAMES,
    SPLIT_WORDS,
    Candidate,
    is_placeholder,
    is_secret_name,
    stripped,
    word_set,
)
from composer.redact_prose import prose_password_spans

__all__ = ["setting_candidates"]


_ASSIGNMENT = re.compile(
    r"(?<![\w$])(?P<q>[\"']?)(?P<key>[A-Za-z_][\w.\-]*)(?P=q)\]?[ \t]*(?P<op>=>|:=|=|:)[ \t]*"
)
_VALUE = re.compile(
    r"\"(?P<dq>(?:[^\"\\\r\n]|\\.)*)\"|'(?P<sq>(?:[^'\\\r\n]|\\.)*)'"
    r"|(?P<bare>\$\{[^}\r\n]*\}|[^\s\"'`,;&<>(){}\[\]]+)"
)
_LINE_END = re.compile(r"[ \t]*[,;]?[ \t]*(?:#.*)?(?:\r?\n|\Z)")
_DEFINE = re.compile(
    r"\bdefine\(\s*(?P<q1>['\"])(?P<key>\w+)(?P=q1)\s*,\s*(?P<q2>['\"])"
    r"(?P<v>(?:(?!(?P=q2))[^\\\r\n]|\\.)*)(?P=q2)"
)
# ``DB_PASSWORD 'x'`` as people copy it out of a config file, without the ``=``.
_NAME_QUOTED = re.compile(r"(?<![\w$])(?P<key>[A-Za-z_][\w.\-]*)[ \t]+(?P<q>['\"])(?P<v>[^'\"\r\n]+)(?P=q)")
_XML_ELEMENT = re.compile(r"<(?P<key>[A-Za-z_][\w.\-]*)>(?P<v>[^<\r\n]+)</(?P=key)>")
_QUERY = re.compile(r"[?&;](?P<key>[A-Za-z_][\w.\-]*)=(?P<v>[^&\s#\"'<>;]+)")
_CLI_USER = re.compile(r"(?:^|\s)(?:-u|--user|--proxy-user)[ =]?['\"]?(?P<user>[^:\s'\"]+):(?P<v>[^\s'\"]+)")
_MYSQL_P = re.compile(
    r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb)\b[^\n|;&]*?\s-p"
    r"(?:'(?P<sq>[^'\n]*)'|\"(?P<dq>[^\"\n]*)\"|(?P<bare>[^\s'\"]+))"
)
_SSHPASS = re.compile(r"\bsshpass\s+-p\s*(?:'(?P<sq>[^'\n]*)'|\"(?P<dq>[^\"\n]*)\"|(?P<bare>\S+))")
_NETRC = re.compile(r"\bmachine\s+\S+(?:\s+login\s+\S+)?\s+password\s+(?P<bare>\S+)")
_IMAP_LOGIN = re.compile(
    r"\b[A-Za-z.]*[0-9][A-Za-z0-9.]* LOGIN +(?:\"[^\"\r\n]*\"|\S+) +"  # tag LOGIN user
    r"(?:\"(?P<dq>[^\"\r\n]*)\"|(?P<bare>\S+))"
)
_POP_PASS = re.compile(r"(?m)(?:^|[\s>:])PASS +(?P<bare>\S+)[ \t]*\r?$")
_SMTP_AUTH_PLAIN = re.compile(r"(?i)\bAUTH\s+PLAIN\s+(?P<bare>[A-Za-z0-9+/]{8,}={0,2})")
_BASE64_TAIL = re.compile(r"(?P<bare>[A-Za-z0-9+/]{4,}={0,2})[ \t]*\r?$")


def _quoted_value(m: re.Match[str]) -> tuple[int, int] | None:
    for group in ("dq", "sq", "bare", "v"):
        if group in m.re.groupindex and m.group(group) is not None:
            return m.start(group), m.end(group)
    return None


_NOT_SECRET_KEYS = word_set(
    "public pub publishable stripe app primary foreign sort cache partition idempotency unique group site"
)
_RANDOM = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])\S{16,}$")


def _is_key_setting(name: str, value: str) -> bool:
    """``LICENSE_KEY``, ``recaptcha_secret_key``: any "key" whose value looks machine-made."""
    words = [w.lower() for w in SPLIT_WORDS.split(name) if w]
    return (
        len(words) >= 2
        and words[-1] == "key"
        and words[-2] not in _NOT_SECRET_KEYS
        and bool(_RANDOM.match(value))
    )


def setting_candidates(text: str) -> Iterator[Candidate]:
    for m in _ASSIGNMENT.finditer(text):
        value = _VALUE.match(text, m.end())
        if value is None:
            continue
        span = _quoted_value(value)
        if span is None or is_placeholder(text[span[0] : span[1]]):
            continue
        key = m.group("key")
        if not (is_secret_name(key) or _is_key_setting(key, text[span[0] : span[1]])):
            continue
        if value.group("bare") is not None:
            if text.startswith("(", value.end()):
                continue  # a function call such as env('DB_PASSWORD'), not a value
            if m.group("op") == ":" and not _LINE_END.match(text, value.end()):
                continue  # prose such as "the Password: prompt keeps coming back"
        yield from stripped(text, *span, "config_password")
    for pattern in (_DEFINE, _XML_ELEMENT, _NAME_QUOTED):
        for m in pattern.finditer(text):
            if is_secret_name(m.group("key")) and not is_placeholder(m.group("v")):
                yield from stripped(text, m.start("v"), m.end("v"), "config_password")
    for m in _QUERY.finditer(text):
        key = m.group("key")
        if (is_secret_name(key) or key.lower() in QUERY_NAMES) and not is_placeholder(m.group("v")):
            yield Candidate(m.start("v"), m.end("v"), "query_secret")
    for m in _CLI_USER.finditer(text):
        if not (m.group("user").isdigit() and m.group("v").isdigit()):  # docker -u 1000:1000
            yield Candidate(m.start("v"), m.end("v"), "basic_auth")
    for pattern in (_MYSQL_P, _SSHPASS, _NETRC):
        for m in pattern.finditer(text):
            span = _quoted_value(m)
            if span is not None and span[1] > span[0]:
                yield Candidate(*span, "basic_auth")
    for pattern in (_IMAP_LOGIN, _POP_PASS, _SMTP_AUTH_PLAIN):
        for m in pattern.finditer(text):
            span = _quoted_value(m)
            if span is not None and span[1] > span[0]:
                yield Candidate(*span, "mail_login")
    yield from _smtp_dialogue(text)
    for start, end in prose_password_spans(text):
        yield Candidate(start, end, "prose_password")


def _smtp_dialogue(text: str) -> Iterator[Candidate]:
    """The client's answer after ``334 UGFzc3dvcmQ6`` ("Password:") or a bare ``AUTH PLAIN``."""
    waiting = False
    position = 0
    for line in text.splitlines(keepends=True):
        start, position = position, position + len(line)
        if "334 UGFzc3dvcmQ6" in line or re.search(r"(?i)\bAUTH\s+PLAIN\s*$", line):
            waiting = True
            continue
        if not waiting or not line.strip():
            continue
        if re.search(r"\b334\b", line):  # the server's empty challenge before the answer
            continue
        waiting = False
        tail = _BASE64_TAIL.search(line)
        if tail:
            yield Candidate(start + tail.start("bare"), start + tail.end("bare"), "mail_login")
