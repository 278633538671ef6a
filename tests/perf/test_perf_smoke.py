"""The benchmark (`python -m tests.perf`) at a tiny scale, so it cannot rot: it runs the same
code end to end and produces its table and JSON with sane values.

It checks behaviour, not speed, so a loaded machine cannot fail it: every due reminder
arrives once, every measurement took its samples, times are positive and in causal order
(percentiles ordered, start-up before the first answer). How fast is the table's business
(`python -m tests.perf` prints it); a naive bot that does not answer within the wait is a
result the table shows ("none in N"), not a failure. Telegram's limits are checked where
they are behaviour: tests/property/test_pacing.py and tests/end_to_end/test_e2e_delivery.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_ADMIN_URL
from tests.perf.__main__ import Options, postgres_reason, run
from tests.perf.processes import CONFORMANCE_ENV, CONFORMANCE_FILE
from tests.perf.scale import CITY_DISTRICTS, SMOKE


def checked_calls(work_dir: Path) -> int:
    """The Bot API calls the sandboxes checked (the bots run as processes of their own, so
    the suite's in-process check does not see them): none may break the specification."""
    reports = [
        json.loads(line)
        for line in (work_dir / CONFORMANCE_FILE).read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert reports, "every sandbox reports what it checked"
    broken = [v for report in reports for v in report["violations"]]
    assert sum(report["violation_count"] for report in reports) == 0, broken
    return sum(report["requests"] for report in reports)


@pytest.fixture(autouse=True)
def _sandboxes_check_conformance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFORMANCE_ENV, "1")


# generous waits (they only end a run that hangs): the smoke must not depend on speed; the
# naive bot's wait only decides whether the table says "none in N"
SCALE = replace(SMOKE, settle_timeout=300.0, naive_wait=20.0)


@pytest.mark.timeout(900)
async def test_benchmark_produces_a_sane_table(tmp_path: Path) -> None:
    options = Options(
        scale=SCALE,
        backends=("sqlite",),
        postgres_url="",
        work_dir=tmp_path,
        json_path=tmp_path / "bench.json",
        reuse=False,
        baseline=True,
    )
    outcome = await run(options, say=lambda _line: None)
    data = json.loads(options.json_path.read_text("utf-8"))
    (sqlite,) = data["backends"]
    assert sqlite["build"]["rows"]["reminders"] == SCALE.reminders
    delivery, capacity = sqlite["delivery"], sqlite["capacity"]
    for result in (delivery, capacity):
        assert result["reminders"] == SCALE.due, result
        assert result["lost"] == 0 and result["duplicated"] == 0, result
        assert 0 < result["messages"] <= SCALE.due
        assert result["messages_per_second"] > 0
    assert [item["command"] for item in sqlite["latency"]] == [
        "/mytasks",
        "/status (liaison)",
        "/status (coordinator)",
    ]
    for item in sqlite["latency"]:
        expected = SCALE.latency_users * SCALE.latency_rounds
        assert item["samples"] == item["burst_samples"] == expected, item
        assert 0 < item["p50_ms"] <= item["p95_ms"] <= item["p99_ms"]
        assert 0 < item["burst_p50_ms"] <= item["burst_p99_ms"]
    assert [link["round_trip_ms"] for link in sqlite["links"]] == [0, 150, 300]
    for link in sqlite["links"]:
        assert link["delivery"]["reminders"] == SCALE.due, link
        assert link["delivery"]["lost"] == link["delivery"]["duplicated"] == 0, link
    tick = sqlite["tick"]
    assert 0 < tick["idle_p50_ms"] <= tick["idle_p99_ms"]
    assert tick["small_p50_ms"] > 0
    assert 0 < sqlite["startup_after_imports_seconds"] < sqlite["startup_seconds"]
    assert sqlite["sender_ceiling_messages_per_second"] > 0
    assert sqlite["peak_rss_mb"] > 0
    baseline = data["baseline"]
    assert baseline["sql_jobs_seen"] == baseline["memory_jobs_seen"] == SCALE.baseline_jobs
    assert baseline["fill_jobs_per_second"] > 0
    first_answer = sqlite["first_answer_seconds"]
    assert first_answer is not None, "our bot answers the command sent before it started"
    assert sqlite["startup_seconds"] < first_answer
    bots = baseline["bots"]
    assert [naive["due"] for naive in bots] == [0, SCALE.due // 5, 2 * SCALE.due // 5, SCALE.due]
    for naive in bots:
        assert naive["jobs"] == SCALE.baseline_jobs
        assert naive["waited"] == SCALE.naive_wait
        ready, answered = naive["ready_seconds"], naive["answered_seconds"]
        # None: not within the wait (the table says "none in N"); an answer needs polling first
        assert ready is None or ready > 0, naive
        assert answered is None or (ready is not None and ready <= answered), naive
        assert naive["rss_mb"] > 0
    lines = outcome.table.splitlines()
    assert lines[0].startswith("| measure | SQLite |")
    assert any(line.startswith("| delivery at Telegram's limits") for line in lines)
    assert any("peak RSS" in line for line in lines)
    assert checked_calls(tmp_path) > SCALE.due


@pytest.mark.timeout(600)
async def test_links_only_gives_just_the_delivery_rows_over_links(tmp_path: Path) -> None:
    options = Options(
        scale=SCALE,
        backends=("sqlite",),
        postgres_url="",
        work_dir=tmp_path,
        json_path=tmp_path / "links.json",
        reuse=False,
        baseline=False,
        links_only=True,
    )
    outcome = await run(options, say=lambda _line: None)
    (sqlite,) = json.loads(options.json_path.read_text("utf-8"))["links"]
    assert [(link["round_trip_ms"], link["jitter_ms"]) for link in sqlite["links"]] == [
        (0, 0),
        (150, 50),
        (300, 50),
    ]
    for link in sqlite["links"]:
        assert link["delivery"]["reminders"] == SCALE.due, link
        assert link["delivery"]["lost"] == link["delivery"]["duplicated"] == 0, link
    rows = [line for line in outcome.table.splitlines() if line.startswith("| round trip")]
    assert len(rows) == 3 and "300 ± 50 ms" in rows[2]
    assert checked_calls(tmp_path) > SCALE.due


@pytest.mark.timeout(900)
async def test_a_city_of_districts_with_two_workers_delivers_everything_once(
    tmp_path: Path,
) -> None:
    """The city's rows (issue 20): 12 districts with the same unit names, coordinators at
    both levels, `dutybot run` and a `dutybot worker` delivering from one PostgreSQL."""
    reason = await postgres_reason(POSTGRES_ADMIN_URL)
    if reason:
        pytest.skip(reason)
    options = Options(
        scale=SCALE,
        backends=("postgresql-city",),
        postgres_url=POSTGRES_ADMIN_URL,
        work_dir=tmp_path,
        json_path=tmp_path / "city.json",
        reuse=False,
        baseline=False,
    )
    outcome = await run(options, say=lambda _line: None)
    (city,) = json.loads(options.json_path.read_text("utf-8"))["backends"]
    assert city["backend"] == "postgresql-city"
    assert city["build"]["rows"]["jurisdictions"] == CITY_DISTRICTS
    assert city["workers"] == 2 and len(city["workers_peak_rss_mb"]) == 1
    assert city["workers_peak_rss_mb"][0] > 0
    for result in (city["delivery"], city["capacity"], *(x["delivery"] for x in city["links"])):
        assert result["reminders"] == SCALE.due, result
        assert result["lost"] == 0 and result["duplicated"] == 0, result
    for item in city["latency"]:
        assert item["samples"] == SCALE.latency_users * SCALE.latency_rounds, item
    header = outcome.table.splitlines()[0]
    assert "PostgreSQL, a city: 12 districts, 2 delivery workers" in header
    assert checked_calls(tmp_path) > SCALE.due
