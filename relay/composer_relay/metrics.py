"""Prometheus metrics, served at ``/metrics`` (text exposition format)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

__all__ = ["ACCEPTED", "ARTICLE_OUTCOMES", "FORWARDS", "FORWARD_SECONDS", "REFUSED"]

ACCEPTED = Counter("relay_requests_accepted_total", "Requests and follow-ups stored", ["kind", "replayed"])
REFUSED = Counter("relay_requests_refused_total", "Requests answered with a problem", ["code"])
FORWARDS = Counter("relay_forwards_total", "Forwarding attempts by outcome", ["outcome"])
FORWARD_SECONDS = Histogram("relay_forward_seconds", "Time of one forwarding step")
ARTICLE_OUTCOMES = Counter(
    "relay_article_outcomes_total", "Knowledge-base article outcomes counted (replays once)", ["outcome"]
)
