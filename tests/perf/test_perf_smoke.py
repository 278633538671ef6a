"""The benchmark (`python -m tests.perf`) at a tiny scale, so it cannot rot: it runs the same
code end to end and produces its table and JSON with sane values. Speed targets are the full
run's business, not this test's."""

from __future__ import annotations

import json
from pathlib import Path

from tests.perf.__main__ import Options, run
from tests.perf.scale import SMOKE


async def test_benchmark_produces_a_sane_table(tmp_path: Path) -> None:
    options = Options(
        scale=SMOKE,
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
    assert sqlite["build"]["rows"]["reminders"] == SMOKE.reminders
    delivery, capacity = sqlite["delivery"], sqlite["capacity"]
    for result in (delivery, capacity):
        assert result["reminders"] == SMOKE.due, result
        assert result["lost"] == 0 and result["duplicated"] == 0, result
        assert 0 < result["messages"] <= SMOKE.due
        assert result["messages_per_second"] > 0
    assert delivery["messages_per_second"] <= 31, "the bot keeps Telegram's 30/s limit"
    assert [item["command"] for item in sqlite["latency"]] == [
        "/mytasks",
        "/status (liaison)",
        "/status (coordinator)",
    ]
    for item in sqlite["latency"]:
        expected = SMOKE.latency_users * SMOKE.latency_rounds
        assert item["samples"] == item["burst_samples"] == expected, item
        assert 0 < item["p50_ms"] <= item["p95_ms"] <= item["p99_ms"] < 10_000
        assert 0 < item["burst_p50_ms"] <= item["burst_p99_ms"] < 10_000
    tick = sqlite["tick"]
    assert 0 < tick["idle_p50_ms"] <= tick["idle_p99_ms"]
    assert tick["small_p50_ms"] > 0
    assert 0 < sqlite["startup_after_imports_seconds"] < sqlite["startup_seconds"] < 60
    assert sqlite["sender_ceiling_messages_per_second"] > 0
    assert 0 < sqlite["peak_rss_mb"] < 2_000
    baseline = data["baseline"]
    assert baseline["sql_jobs_seen"] == baseline["memory_jobs_seen"] == SMOKE.baseline_jobs
    assert baseline["fill_jobs_per_second"] > 0
    first_answer = sqlite["first_answer_seconds"]
    assert first_answer is not None and sqlite["startup_seconds"] < first_answer < 60
    bots = baseline["bots"]
    assert [naive["due"] for naive in bots] == [0, SMOKE.due // 5, 2 * SMOKE.due // 5, SMOKE.due]
    for naive in bots:
        assert naive["jobs"] == SMOKE.baseline_jobs
        assert naive["answered_seconds"] is not None, "the naive bot answers its /start"
        assert 0 < naive["ready_seconds"] < naive["answered_seconds"] < 60, naive
        assert naive["rss_mb"] > 0
    lines = outcome.table.splitlines()
    assert lines[0].startswith("| measure | SQLite |")
    assert any(line.startswith("| delivery at Telegram's limits") for line in lines)
    assert any("peak RSS" in line for line in lines)
