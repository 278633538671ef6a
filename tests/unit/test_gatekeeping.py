"""The flood gate and the invite guard on their own: limits, windows, one warning per flood."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.flood import FloodGate, FloodVerdict
from handlers.invite_guard import LOCKOUT, WINDOW, InviteGuard

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@given(gaps=st.lists(st.floats(min_value=0, max_value=2.0), min_size=1, max_size=300))
@settings(max_examples=200, deadline=None)
def test_never_more_than_the_limit_in_any_window_and_one_warning_per_flood(
    gaps: list[float],
) -> None:
    clock = FakeMonotonic()
    gate = FloodGate(limit=5, window=3.0, monotonic=clock)
    verdicts: list[tuple[float, FloodVerdict]] = []
    for gap in gaps:
        clock.now += gap
        verdicts.append((clock.now, gate.check(42)))
    allowed = [t for t, v in verdicts if v is FloodVerdict.ALLOW]
    for i, start in enumerate(allowed):
        inside = [t for t in allowed[i:] if t - start < 3.0]
        assert len(inside) <= 5
    kinds = [v for _t, v in verdicts if v is not FloodVerdict.DROP]
    for first, second in zip(kinds, kinds[1:], strict=False):
        assert not (first is FloodVerdict.WARN and second is FloodVerdict.WARN), "warned twice"


def test_a_burst_is_warned_once_then_dropped_and_forgiven_after_the_window() -> None:
    clock = FakeMonotonic()
    gate = FloodGate(limit=3, window=2.0, monotonic=clock)
    burst = [gate.check(1) for _ in range(8)]
    other = gate.check(2)
    clock.now += 2.5
    later = gate.check(1)
    assert burst == [FloodVerdict.ALLOW] * 3 + [FloodVerdict.WARN] + [FloodVerdict.DROP] * 4
    assert other is FloodVerdict.ALLOW, "one user's flood does not stop another"
    assert later is FloodVerdict.ALLOW
    assert gate.dropped == 4 and gate.warned == 1


def test_quiet_users_are_forgotten() -> None:
    clock = FakeMonotonic()
    gate = FloodGate(limit=3, window=1.0, monotonic=clock)
    for user in range(999):
        gate.check(user)
    clock.now += 5
    gate.check(5000)  # the 1000th check sweeps the quiet ones
    assert gate.tracked_users == 1


def test_five_failures_in_ten_minutes_lock_for_thirty() -> None:
    guard = InviteGuard()
    moments = [T0 + timedelta(minutes=2 * n) for n in range(5)]
    results = [guard.failed(7, moment) for moment in moments]
    assert results[:4] == [None] * 4 and results[4] == moments[4] + LOCKOUT
    assert guard.locked_until(7, moments[4] + LOCKOUT - timedelta(seconds=1)) is not None
    assert guard.locked_until(8, moments[4]) is None, "per user"
    assert guard.locked_until(7, moments[4] + LOCKOUT) is None
    assert guard.failed(7, moments[4] + LOCKOUT) is None, "a fresh start after the lockout"


def test_failures_spread_beyond_the_window_never_lock() -> None:
    guard = InviteGuard()
    spaced = [guard.failed(7, T0 + n * (WINDOW / 4 + timedelta(seconds=1))) for n in range(40)]
    assert spaced == [None] * 40


def test_success_forgives() -> None:
    guard = InviteGuard()
    for n in range(4):
        guard.failed(7, T0 + timedelta(seconds=n))
    guard.succeeded(7)
    assert guard.failed(7, T0 + timedelta(seconds=5)) is None
