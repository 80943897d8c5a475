"""The queue at the booths as an M/M/c system: Erlang C, the mean wait, the booths needed.

Arrivals in an hour are taken as Poisson and service times as exponential with the hour's mean,
the textbook model of a staffed counter (Kleinrock, *Queueing Systems* vol. 1, §3.5). Erlang C
comes from Erlang B's recursion, which stays exact and stable for hundreds of booths where the
factorial formula overflows.
"""

from __future__ import annotations

import math

MAX_BOOTHS = 500


def erlang_b(load: float, servers: int) -> float:
    """Probability that an arrival finds every server busy and is lost (Erlang B)."""
    if load < 0 or servers < 0:
        raise ValueError("load and servers are not negative")
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(load: float, servers: int) -> float:
    """Probability that an arrival waits (Erlang C), for ``load`` Erlangs offered to
    ``servers`` servers; 1 when the load reaches the servers (the queue grows without end)."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load == 0:
        return 0.0
    blocking = erlang_b(load, servers)
    return servers * blocking / (servers - load * (1 - blocking))


def mean_wait(load: float, servers: int, service_seconds: float) -> float:
    """Mean time in the queue before service, in seconds; infinite when over capacity."""
    if servers <= 0 or load >= servers:
        return math.inf
    return erlang_c(load, servers) * service_seconds / (servers - load)


def wait_exceeds(load: float, servers: int, service_seconds: float, seconds: float) -> float:
    """Probability that an arrival waits longer than ``seconds``."""
    if servers <= 0 or load >= servers:
        return 1.0
    if service_seconds <= 0:
        return 0.0
    return erlang_c(load, servers) * math.exp(-(servers - load) * seconds / service_seconds)


def servers_needed(load: float, service_seconds: float, target_seconds: float) -> int:
    """The fewest servers that keep the mean wait at or under the target."""
    if load <= 0:
        return 0
    servers = max(1, math.floor(load) + 1)
    while mean_wait(load, servers, service_seconds) > target_seconds:
        servers += 1
        if servers > MAX_BOOTHS:
            raise ValueError(f"more than {MAX_BOOTHS} booths would be needed")
    return servers
