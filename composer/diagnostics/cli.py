"""``request-composer diagnose DOMAIN``: the diagnostics on the command line.

Exit codes: 0 nothing worse than a warning, 3 a problem or worse, 4 nothing
worse than a warning but a check could not finish (so the all-clear is not
complete), 2 the command's input cannot be used (a translated error, as JSON
with ``--json``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import ipaddress
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from composer.i18n import N_, _

__all__ = ["register"]

EXIT_OK, EXIT_USAGE, EXIT_PROBLEMS, EXIT_INCOMPLETE = 0, 2, 3, 4
_MARKS = {"ok": "ok", "info": "info", "warning": "warning", "problem": "PROBLEM", "critical": "CRITICAL"}
# The diagnose command's own input errors: code -> (what happened, what to do next).
INPUT_ERRORS: dict[str, tuple[str, str]] = {
    "diagnose.timeout_invalid": (
        N_("“{value}” is not a time limit."),
        N_("Give the seconds each check may take as a number above 0, for example --timeout 20."),
    ),
    "diagnose.settings_invalid": (
        N_("The network settings file {path} cannot be used."),
        N_(
            "Give a JSON file with the fields of the diagnostics settings (see docs/diagnostics.md), "
            "or leave out --settings."
        ),
    ),
    "diagnose.resolver_invalid": (
        N_("“{value}” is not the address of a name server."),
        N_(
            "Give an IP address, with a port from 1 to 65535 if needed, for example 192.0.2.53 "
            "or 192.0.2.53:5353."
        ),
    ),
}
_DEFAULT_PUBLIC = "1.1.1.1, 8.8.8.8, 9.9.9.9"


class InputError(Exception):
    """An option or the domain cannot be used: a code from ``INPUT_ERRORS`` or ``composer.errors``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def register(subparsers: Any) -> None:
    """Add the ``diagnose`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "diagnose",
        help=_("check a domain's DNS, registration, web site and mail server from here"),
        description=_("Check a domain from this computer and print what was found, worst first."),
    )
    parser.add_argument("domain", metavar="DOMAIN")
    parser.add_argument(
        "--profile",
        dest="diagnose_profile",
        metavar="FILE",
        type=Path,
        help=_("the provider profile to compare with (default: the demo profile)"),
    )
    parser.add_argument(
        "--resolver",
        action="append",
        default=[],
        metavar="IP[:PORT]",
        help=_("resolver to use instead of the system's (repeatable)"),
    )
    parser.add_argument(
        "--public-resolver",
        action="append",
        default=[],
        metavar="IP[:PORT]",
        help=_("public resolver to compare with (repeatable; default: %s)") % _DEFAULT_PUBLIC,
    )
    parser.add_argument(
        "--rdap-bootstrap",
        metavar="PATH|URL",
        help=_("IANA RDAP bootstrap file (default: the shipped snapshot)"),
    )
    parser.add_argument(
        "--whois-server", metavar="HOST[:PORT]", help=_("WHOIS server for domains without RDAP")
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        type=Path,
        help=_("JSON file with network targets (resolvers, ports, ...); the options above override it"),
    )
    parser.add_argument("--timeout", metavar="S", help=_("seconds each check may take (default: 20)"))
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))
    parser.set_defaults(handler=run)


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError("diagnose.timeout_invalid", value=text) from None
    if not math.isfinite(value) or value <= 0:
        raise InputError("diagnose.timeout_invalid", value=text)
    return value


def _server(text: str) -> str:
    from composer.diagnostics.settings import split_host_port

    try:
        host, _port = split_host_port(text, 53)
        ipaddress.ip_address(host)
    except ValueError:
        raise InputError("diagnose.resolver_invalid", value=text) from None
    return text


def settings_from_args(args: argparse.Namespace) -> Any:
    """The settings the options describe.

    Raises:
        InputError: an option's value cannot be used.
    """
    from composer.diagnostics.settings import DiagnosticsSettings

    values: dict[str, Any] = {}
    if getattr(args, "settings", None) is not None:
        try:
            values.update(DiagnosticsSettings.model_validate_json(args.settings.read_bytes()).model_dump())
        except (OSError, ValueError):
            raise InputError("diagnose.settings_invalid", path=str(args.settings)) from None
    if args.resolver:
        values["resolvers"] = tuple(_server(t) for t in args.resolver)
    if args.public_resolver:
        values["public_resolvers"] = tuple(_server(t) for t in args.public_resolver)
    if args.rdap_bootstrap:
        values["rdap_bootstrap"] = args.rdap_bootstrap
    if args.whois_server:
        values["whois_server"] = args.whois_server
    if args.timeout is not None:
        values["timeout"] = _timeout(args.timeout)
        values["query_timeout"] = min(4.0, values["timeout"])
    # the IANA bootstrap and the public suffix list, refreshed at most weekly, stay with the user's data
    if values.get("rdap_cache_dir") is None:
        data_dir = getattr(args, "data_dir", None)
        if data_dir is None:
            from composer.store import default_data_dir  # the drafts' database module: only if needed

            data_dir = default_data_dir()
        values["rdap_cache_dir"] = data_dir / "cache"
    return DiagnosticsSettings(**values)


def _describe(error: InputError) -> tuple[str, str]:
    if error.code in INPUT_ERRORS:
        message, next_step = INPUT_ERRORS[error.code]
        return _(message).format(**error.params), _(next_step).format(**error.params)
    from composer.errors import describe

    return describe(error.code, error.params)


def _fail(error: InputError, as_json: bool) -> int:
    message, next_step = _describe(error)
    if as_json:
        body = {
            "error": {"code": error.code, "message": message, "next_step": next_step, "params": error.params}
        }
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        for place, problem in error.params.get("errors", []):  # a profile's mistakes, one a line
            print(f"  - {place}: {problem}", file=sys.stderr)
        print(next_step, file=sys.stderr)
    return EXIT_USAGE


@contextlib.contextmanager
def _imports_out_of_sight() -> Iterator[None]:
    """No garbage collection while the command imports the checks, then their objects frozen until it ends.

    Importing them (pydantic models above all) makes hundreds of thousands of
    objects and no garbage: the collector's passes over them would cost a
    tenth of the import time, and with collection merely paused, its first
    pass afterwards walks them all at once (17 ms). Frozen (``gc.freeze``),
    they stay out of its sight while the diagnosis collects its own garbage
    as usual; :func:`run` gives them back (``gc.unfreeze``) when it ends, so
    that a process that goes on (the test suite) collects them as before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _freeze_at_exit() -> None:
    """At exit, move every object out of the collector's sight (``gc.freeze``).

    Python collects garbage several times while it shuts down; after a
    diagnosis that is a walk over every object the imports made, a sixth of
    the command's time. Run at exit (an atexit handler), so that a process
    that goes on (the test suite) collects as usual until it ends.
    """
    if not getattr(_freeze_at_exit, "registered", False):
        atexit.register(gc.freeze)
        _freeze_at_exit.registered = True  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    """Diagnose and print; the exit code is in the module docstring."""
    from composer.cli import allow_quick_exit
    from composer.diagnostics.trust import start_reading_system_store

    _freeze_at_exit()
    allow_quick_exit()  # it leaves nothing behind but what it printed
    if getattr(args, "settings", None) is None:  # (a settings file may name authorities of its own)
        start_reading_system_store()  # on a thread, while the checks are imported
    try:
        with _imports_out_of_sight():
            # what the command runs, imported here rather than mid-run: the checks, the profile's check
            import composer.diagnostics.plan
            import composer.profile_check  # noqa: F401
        return _diagnose(args)
    finally:
        gc.unfreeze()


def _diagnose(args: argparse.Namespace) -> int:
    from composer.diagnostics.runner import ProgressEvent, run_diagnostics
    from composer.errors import ProfileError, ValidationError
    from composer.model import CheckStatus, Severity, normalise_domain
    from composer.profile import load_profile

    try:
        settings = settings_from_args(args)
        normalise_domain(args.domain)
    except InputError as error:
        return _fail(error, args.json)
    except ValidationError as error:
        return _fail(InputError(error.code, **error.params), args.json)

    try:
        # the channels are for sending: checking them would import every channel module
        profile = load_profile(args.diagnose_profile or getattr(args, "profile", None), with_channels=False)
    except ProfileError as error:
        return _fail(InputError(error.code, **error.params), args.json)

    def progress(event: ProgressEvent) -> None:
        if not args.json and event.status is not CheckStatus.RUNNING:
            print(f"  {event.done}/{event.total} {event.title}: {event.status.value}", file=sys.stderr)

    report = run_diagnostics(args.domain, profile, settings, on_progress=progress)
    print(json.dumps(report_json(report), ensure_ascii=False, indent=2) if args.json else render_text(report))
    if report.worst().rank >= Severity.PROBLEM.rank:
        return EXIT_PROBLEMS
    unfinished = {CheckStatus.TIMEOUT, CheckStatus.FAILED}
    return EXIT_INCOMPLETE if any(c.status in unfinished for c in report.checks) else EXIT_OK


def report_json(report: Any) -> dict[str, Any]:
    """Everything the text shows, and the technical rest: one JSON object."""
    from composer.model import display_domain

    return {
        "domain": report.domain,
        "shown_domain": display_domain(report.domain),
        "worst": report.worst().value,
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "title": f.title,
                "explanation": f.explanation,
                "next_step": f.next_step,
                "detail": f.detail,
                "check": f.check,
                "params": {k: v for k, v in f.params.items() if isinstance(v, str | int | float | bool)},
            }
            for f in report.findings
        ],
        "checks": [
            {"name": c.name, "status": c.status.value, "duration_ms": c.duration_ms, "error": c.error}
            for c in report.checks
        ],
    }


def render_text(report: Any) -> str:
    from composer.model import display_domain

    lines = [_("Diagnosis of {domain}").format(domain=display_domain(report.domain)), ""]
    for finding in report.findings:
        lines.append(f"[{_MARKS[finding.severity.value]}] {finding.title}")
        for text in (finding.explanation, finding.next_step):
            if text:
                lines.append(f"    {text}")
    return "\n".join(lines)
