"""Erlang B and C against published tables and closed forms."""

from __future__ import annotations

import math

import pytest

from hito.crossings.queueing import (
    erlang_b,
    erlang_c,
    mean_wait,
    servers_needed,
    wait_exceeds,
)


@pytest.mark.parametrize(
    ("load", "servers", "expected"),
    [
        # Erlang B tables (e.g. ITU-T E.800 handbook; any traffic table): 1 Erlang on 1 line,
        # 5 Erlangs on 10 lines, 10 Erlangs on 15 lines
        (1.0, 1, 0.5),
        (5.0, 10, 0.018385),
        (10.0, 15, 0.036497),
    ],
)
def test_erlang_b_matches_the_tables(load: float, servers: int, expected: float) -> None:
    assert erlang_b(load, servers) == pytest.approx(expected, abs=5e-6)


@pytest.mark.parametrize(
    ("load", "servers", "expected"),
    [
        (10.0, 12, 0.4494),  # the classic call-centre example (10 Erlangs, 12 agents)
        (2.0, 3, 4 / 9),  # closed form: C(3, 2) = (8/6 · 3) / (1 + 2 + 2 + 8/6 · 3) = 4/9
        (1.0, 2, 1 / 3),  # M/M/2 at half utilisation: 2ρ²/(1+ρ) with ρ = 1/2
        (0.5, 1, 0.5),  # M/M/1: the probability of waiting is the utilisation
    ],
)
def test_erlang_c_matches_published_values(load: float, servers: int, expected: float) -> None:
    assert erlang_c(load, servers) == pytest.approx(expected, abs=5e-5)


def test_mm1_wait_is_the_closed_form() -> None:
    # M/M/1 with ρ = 0.8 and a 60 s service: Wq = ρ/(1-ρ) · S = 240 s
    assert mean_wait(0.8, 1, 60) == pytest.approx(240)
    # P(W > t) = ρ e^{-(1-ρ) t / S}
    assert wait_exceeds(0.8, 1, 60, 120) == pytest.approx(0.8 * math.exp(-0.2 * 2))


def test_over_capacity_waits_forever() -> None:
    assert erlang_c(12.0, 12) == 1.0
    assert mean_wait(13.0, 12, 60) == math.inf
    assert wait_exceeds(13.0, 12, 60, 600) == 1.0
    assert mean_wait(1.0, 0, 60) == math.inf


def test_stable_for_hundreds_of_servers() -> None:
    value = erlang_c(380.0, 400)
    assert 0 < value < 1
    assert not math.isnan(value)


def test_booths_needed_is_the_fewest_that_meet_the_target() -> None:
    needed = servers_needed(10.0, 60, 30)
    assert mean_wait(10.0, needed, 60) <= 30
    assert mean_wait(10.0, needed - 1, 60) > 30
    assert servers_needed(0, 60, 30) == 0
    assert servers_needed(0.2, 60, 3600) == 1


def test_refuses_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        erlang_b(-1, 2)
    with pytest.raises(ValueError):
        servers_needed(10_000.0, 60, 0)
