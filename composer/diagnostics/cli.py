"""``request-composer diagnose DOMAIN``: the diagnostics on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from composer.diagnostics.runner import ProgressEvent, run_diagnostics
from composer.diagnostics.settings import DEFAULT_PUBLIC_RESOLVERS, DiagnosticsSettings
from composer.i18n import _
from composer.model import CheckStatus, Report, Severity, display_domain
from composer.profile import load_profile
from composer.store import default_data_dir

__all__ = ["register"]

EXIT_OK, EXIT_PROBLEMS = 0, 3
_MARKS = {
    Severity.OK: "ok",
    Severity.INFO: "info",
    Severity.WARNING: "warning",
    Severity.PROBLEM: "PROBLEM",
    Severity.CRITICAL: "CRITICAL",
}


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
        help=_("public resolver to compare with (repeatable; default: %s)")
        % ", ".join(DEFAULT_PUBLIC_RESOLVERS),
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
        "--timeout", metavar="S", type=float, help=_("seconds each check may take (default: 20)")
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))
    parser.set_defaults(handler=run)


def settings_from_args(args: argparse.Namespace) -> DiagnosticsSettings:
    values: dict[str, Any] = {}
    if args.resolver:
        values["resolvers"] = tuple(args.resolver)
    if args.public_resolver:
        values["public_resolvers"] = tuple(args.public_resolver)
    if args.rdap_bootstrap:
        values["rdap_bootstrap"] = args.rdap_bootstrap
    if args.whois_server:
        values["whois_server"] = args.whois_server
    if args.timeout:
        values["timeout"] = args.timeout
        values["query_timeout"] = min(4.0, args.timeout)
    # the IANA bootstrap, refreshed at most weekly, is kept with the user's data
    values["rdap_cache_dir"] = (getattr(args, "data_dir", None) or default_data_dir()) / "cache"
    return DiagnosticsSettings(**values)


def run(args: argparse.Namespace) -> int:
    """Diagnose, print, and exit 3 when anything is a problem or worse."""
    profile = load_profile(args.diagnose_profile or getattr(args, "profile", None))
    settings = settings_from_args(args)

    def progress(event: ProgressEvent) -> None:
        if not args.json and event.status is not CheckStatus.RUNNING:
            print(f"  {event.done}/{event.total} {event.title}: {event.status.value}", file=sys.stderr)

    report = run_diagnostics(args.domain, profile, settings, on_progress=progress)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print(render_text(report))
    return EXIT_PROBLEMS if report.worst().rank >= Severity.PROBLEM.rank else EXIT_OK


def report_json(report: Report) -> dict[str, Any]:
    return {
        "domain": report.domain,
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "title": f.title,
                "detail": f.detail,
                "check": f.check,
            }
            for f in report.findings
        ],
        "checks": [
            {"name": c.name, "status": c.status.value, "duration_ms": c.duration_ms} for c in report.checks
        ],
    }


def render_text(report: Report) -> str:
    lines = [_("Diagnosis of {domain}").format(domain=display_domain(report.domain)), ""]
    for finding in report.findings:
        lines.append(f"[{_MARKS[finding.severity]}] {finding.title}")
        for text in (finding.explanation, finding.next_step):
            if text:
                lines.append(f"    {text}")
    return "\n".join(lines)
