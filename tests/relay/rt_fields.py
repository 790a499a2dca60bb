"""The custom fields a provider adds in RT for the relay (Admin -> Custom Fields), made with RT's own API."""

from __future__ import annotations

import subprocess

from tests.servers.rt import RT_LIB, RequestTracker

FIELDS = {
    "request_id": "Request ID",
    "domain": "Domain",
    "account": "Account",
    "category": "Category",
    "customer_id": "Customer",
}

_CREATE = r"""
use strict; use warnings;
use RT; RT::LoadConfig(); RT::Init();
for my $name (@ARGV) {
    my $cf = RT::CustomField->new(RT->SystemUser);
    $cf->LoadByName(Name => $name, LookupType => 'RT::Queue-RT::Ticket');
    next if $cf->id;
    my ($ok, $msg) = $cf->Create(
        Name => $name, Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket');
    die "custom field $name: $msg" unless $ok;
    ($ok, $msg) = $cf->AddToObject(RT::Queue->new(RT->SystemUser));
    die "apply $name: $msg" unless $ok;
}
my $queue = RT::Queue->new(RT->SystemUser);
$queue->Load('Mail');
unless ($queue->id) {
    my ($ok, $msg) = $queue->Create(Name => 'Mail', CorrespondAddress => 'mail@example.test');
    die "queue: $msg" unless $ok;
}
print "ok\n";
"""


def add_relay_fields(tracker: RequestTracker) -> dict[str, str]:
    """Create the relay's custom fields (global, for every queue) and a second queue ``Mail``; idempotent."""
    done = subprocess.run(
        ["perl", f"-I{RT_LIB}", "-e", _CREATE, *FIELDS.values()],
        env=tracker.env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-1500:])
    return dict(FIELDS)
