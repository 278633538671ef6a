"""How big the synthetic deployment is, and how long each measurement runs."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    """Sizes of one benchmark run; FULL is the city of issue 9, SMOKE keeps the suite fast."""

    name: str
    units: int
    liaisons_per_unit: int
    coordinators: int
    plans: int
    duties: int
    years: int
    reminders: int
    due: int
    baseline_jobs: int
    latency_users: int
    latency_rounds: int
    tick_samples: int
    settle_timeout: float
    round_spacing: float = 1.2
    settle_grace: float = 1.0
    ceiling_messages: int = 2_000
    # how long the naive bot is given to poll and answer at each start
    naive_wait: float = 300.0
    # 0: one jurisdiction (a district's deployment); else a city over this many districts
    districts: int = 0
    # processes delivering: `dutybot run`, and `dutybot worker` for each one more
    workers: int = 1

    @property
    def liaisons(self) -> int:
        return self.units * self.liaisons_per_unit


FULL = Scale(
    name="full",
    units=1_000,
    liaisons_per_unit=3,
    coordinators=20,
    plans=20,
    duties=5_000,
    years=5,
    reminders=1_000_000,
    due=5_000,
    baseline_jobs=100_000,
    latency_users=20,
    latency_rounds=15,
    tick_samples=300,
    settle_timeout=600.0,
)

SMOKE = Scale(
    name="smoke",
    units=20,
    liaisons_per_unit=2,
    coordinators=3,
    plans=2,
    duties=40,
    years=5,
    reminders=400,
    due=60,
    baseline_jobs=300,
    latency_users=3,
    latency_rounds=1,
    tick_samples=20,
    settle_timeout=60.0,
    round_spacing=1.05,
    settle_grace=0.3,
    ceiling_messages=100,
    naive_wait=60.0,
)

SCALES = {scale.name: scale for scale in (FULL, SMOKE)}
CITY_DISTRICTS = 12
CITY_WORKERS = 2


def as_city(scale: Scale) -> Scale:
    """The same sizes as a city's deployment (issue 20): its own units and 12 districts',
    the city's plans assigning to the districts' units, coordinators at both levels, and two
    processes delivering."""
    return replace(scale, name=f"{scale.name}-city", districts=CITY_DISTRICTS, workers=CITY_WORKERS)
