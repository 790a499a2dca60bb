"""How long a full diagnosis takes when every DNS and HTTP answer is 200 ms late.

Starts the loopback test bed of ``tests/servers/diagnostics_bed.py`` with a
200 ms delay inside every DNS server, web server and the RDAP server, then
diagnoses good.test (every check: DNS with its three views, registration,
four web URLs with redirects, seven mail ports):

- concurrent: the runner as the app uses it (median of several runs);
- sequential: the same checks and exchanges one after another;
- technician: what a support technician types to run the same checks by
  hand, one command after another: ``dig`` for the delegation, each
  nameserver's SOA, the resolver's and a public resolver's answers, the MX
  host and the SPF include; ``curl`` for RDAP and the four web addresses
  (following redirects); ``openssl s_client`` for both certificates and every
  mail port (dnsutils, curl and openssl are in scripts/apt-packages-dev.txt);
- floor: the longest chain of round trips that depend on each other,
  times the delay. For this bed it is 3: the DNS walk (parent NS from the
  resolver -> referral from the parent -> the domain's nameservers), and
  the web chain (address -> ``http://`` answers 301 -> ``https://`` answers).

Run: ``.venv/bin/python benchmarks/diagnostics_latency.py [--runs N] [--write]``
(``--write`` also updates benchmarks/RESULTS-diagnostics.md).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.diagnostics import run_diagnostics  # noqa: E402
from composer.model import CheckStatus, Severity  # noqa: E402
from tests.servers.diagnostics_bed import diagnostics_bed  # noqa: E402

DELAY = 0.2
CHAIN = 3  # dependent round trips on the longest path (see the module docstring)
DOMAIN = "good.test"


def _hostport(address: str) -> tuple[str, str]:
    host, _sep, port = address.rpartition(":")
    return host, port


def technician_commands(bed: Any) -> list[list[str]]:
    """The commands a technician runs for the same checks, in the order they would."""
    s = bed.settings
    dig = ["dig", "+tries=1", "+time=5", "+short"]
    resolver, rport = _hostport(s.resolvers[0])
    public, pport = _hostport(s.public_resolvers[0])
    tld, tport = _hostport(s.nameserver_addresses["ns.tld.test"])
    commands = [[*dig, "+norec", f"@{tld}", "-p", tport, DOMAIN, "NS"]]
    for ns in ("ns1.provider.test", "ns2.provider.test"):
        host, port = _hostport(s.nameserver_addresses[ns])
        commands.append([*dig, "+norec", f"@{host}", "-p", port, DOMAIN, "SOA"])
    for name, rtype in [
        (DOMAIN, "A"),
        (DOMAIN, "AAAA"),
        (DOMAIN, "MX"),
        (DOMAIN, "TXT"),
        (f"_dmarc.{DOMAIN}", "TXT"),
        (f"www.{DOMAIN}", "A"),
    ]:
        commands.append([*dig, f"@{resolver}", "-p", rport, name, rtype])
    for name, rtype in [(DOMAIN, "A"), (DOMAIN, "MX"), (f"www.{DOMAIN}", "A")]:
        commands.append([*dig, f"@{public}", "-p", pport, name, rtype])
    commands.append([*dig, f"@{resolver}", "-p", rport, "mail.provider.test", "A"])
    commands.append([*dig, f"@{resolver}", "-p", rport, "spf.provider.test", "TXT"])
    http, https = str(s.port_map[80]), str(s.port_map[443])
    curl = ["curl", "-s", "-o", "/dev/null", "--max-time", "10", "--cacert", str(s.ca_file)]
    commands.append([*curl, f"{bed.rdap.base_url}domain/{DOMAIN}"])
    for host in (DOMAIN, f"www.{DOMAIN}"):
        mapping = [
            "--connect-to",
            f"{host}:80:127.0.0.1:{http}",
            "--connect-to",
            f"{host}:443:127.0.0.1:{https}",
        ]
        commands.append([*curl, "-L", *mapping, f"http://{host}/"])
        commands.append([*curl, *mapping, f"https://{host}/"])
    ssl = ["openssl", "s_client", "-brief", "-verify_return_error", "-CAfile", str(s.ca_file)]
    for host in (DOMAIN, f"www.{DOMAIN}"):
        commands.append([*ssl, "-connect", f"127.0.0.1:{https}", "-servername", host])
    mail = "mail.provider.test"
    for port, starttls in [
        (25, "smtp"),
        (587, "smtp"),
        (465, ""),
        (993, ""),
        (995, ""),
        (143, "imap"),
        (110, "pop3"),
    ]:
        extra = ["-starttls", starttls] if starttls else []
        commands.append([*ssl, *extra, "-connect", f"127.0.0.1:{s.port_map[port]}", "-servername", mail])
    return commands


def technician_run(bed: Any) -> float:
    """Seconds for the technician's commands, one after another."""
    missing = [tool for tool in ("dig", "curl", "openssl") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            f"missing {', '.join(missing)}: run scripts/setup --dev (scripts/apt-packages-dev.txt)"
        )
    start = time.perf_counter()
    for command in technician_commands(bed):
        subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False)
    return time.perf_counter() - start


def count_round_trips(bed: object) -> int:
    servers = [*bed.dns_servers()]  # type: ignore[attr-defined]
    return sum(s.resolver.queries for s in servers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, diagnostics_bed(Path(folder), delay=DELAY) as bed:
        settings = bed.settings.model_copy(update={"query_timeout": 5.0, "timeout": 60.0})
        run_diagnostics(DOMAIN, bed.profile, settings)  # warm up (imports, certificates)
        walls: list[float] = []
        for _ in range(args.runs):
            before = count_round_trips(bed)
            start = time.perf_counter()
            report = run_diagnostics(DOMAIN, bed.profile, settings)
            walls.append(time.perf_counter() - start)
            dns_queries = count_round_trips(bed) - before
            assert all(c.status is CheckStatus.DONE for c in report.checks), report.checks
            assert report.worst().rank <= Severity.INFO.rank, [f.code for f in report.findings]
        start = time.perf_counter()
        sequential_report = run_diagnostics(DOMAIN, bed.profile, settings, sequential=True)
        sequential = time.perf_counter() - start
        assert all(c.status is CheckStatus.DONE for c in sequential_report.checks)
        technician = technician_run(bed)
        commands = len(technician_commands(bed))
    wall = statistics.median(walls)
    floor = CHAIN * DELAY
    rows = [
        (f"concurrent (median of {args.runs})", wall),
        ("sequential (the app's checks one after another)", sequential),
        (f"technician: {commands} dig/curl/openssl commands one after another", technician),
        (f"floor: {CHAIN} dependent round trips x {DELAY * 1000:.0f} ms", floor),
    ]
    table = [
        "| diagnosis of one domain, every DNS/HTTP answer delayed 200 ms | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {value:.2f} |" for name, value in rows),
        f"| concurrent / floor | {wall / floor:.2f}x (target <= 1.5x) |",
        f"| sequential / concurrent | {sequential / wall:.1f}x (target >= 5x) |",
        f"| technician / concurrent | {technician / wall:.1f}x (target >= 2.8x) |",
    ]
    summary = (
        f"{len(report.checks)} checks, {dns_queries} DNS queries per run; "
        f"Python {platform.python_version()} on {platform.system()}, {platform.machine()}"
    )
    print("\n".join(table))
    print()
    print(summary)
    if args.write:
        text = "\n".join(
            [
                "# Diagnostics latency",
                "",
                "Command: `.venv/bin/python benchmarks/diagnostics_latency.py --write`",
                "",
                *table,
                "",
                summary + ".",
                "",
                "The bed (tests/servers/diagnostics_bed.py) runs every server on 127.0.0.1; the",
                "delay is a sleep inside each DNS, web and RDAP server before it answers.",
                "",
            ]
        )
        (ROOT / "benchmarks" / "RESULTS-diagnostics.md").write_text(text, encoding="utf-8")
    ok = wall <= 1.5 * floor and sequential >= 5 * wall and technician >= 2.8 * wall
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
