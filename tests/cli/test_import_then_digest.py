"""After `dutybot import` alone (no bot has run), the digest preview, its chart and
`simulate` already see what a running bot would: the statutory duties are planned with the
import; `simulate` names the coordinators as the digest's recipients (issue 19)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli.sample import sample_plan_text
from bot.render.fonts import find_cjk_family
from scheduling.dates.workdays import WorkdayCalendar
from tests.cli_support import migrated_cli_database, run

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return migrated_cli_database(monkeypatch, tmp_path)


def _sample(tmp_path: Path) -> Path:
    today = datetime.now(UTC).astimezone(ZONE).date()
    path = tmp_path / "示范区工作要点.txt"
    path.write_text(sample_plan_text(today, WorkdayCalendar()), encoding="utf-8")
    return path


def _year_assignments(database: Path) -> tuple[int, int]:
    year = datetime.now(UTC).astimezone(ZONE).year
    with sqlite3.connect(database) as db:
        total, statutory = db.execute(
            "SELECT count(*), sum(plans.is_statutory) FROM assignments "
            "JOIN occurrences ON occurrences.id = assignments.occurrence_id "
            "JOIN duties ON duties.id = occurrences.duty_id "
            "JOIN plans ON plans.id = duties.plan_id "
            "WHERE coalesce(assignments.extended_due, assignments.due_date) "
            "BETWEEN ? AND ? AND assignments.status NOT IN ('waived', 'cancelled')",
            (f"{year}-01-01", f"{year}-12-31"),
        ).fetchone()
    return int(total), int(statutory or 0)


def test_preview_chart_and_simulate_agree_right_after_a_cli_import(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "import", str(_sample(tmp_path)))
    assert code == 0, out
    total, statutory = _year_assignments(database)
    assert statutory > 0, "the statutory duties were planned with the import"
    code, out, _err = run(capsys, "digest", "--preview", "--lang", "en")
    assert code == 0
    whole = re.search(r"Whole year: (\d+) of (\d+) assignments done", out)
    assert whole is not None, out
    assert int(whole.group(2)) == total > 0, "the digest counts what was planned"
    code, out, _err = run(capsys, "simulate", "--json")
    assert code == 0
    events = json.loads(out)["events"]
    assert any(event["kind"] in {"lead", "due", "window_open"} for event in events)
    if find_cjk_family() is not None:
        chart = tmp_path / "chart.png"
        code, out, err = run(capsys, "digest", "--preview", "--chart", str(chart))
        assert code == 0, err
        assert chart.read_bytes().startswith(b"\x89PNG")


def test_simulate_names_the_coordinators_as_the_digests_recipients(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    assert run(capsys, "import", str(_sample(tmp_path)))[0] == 0
    code, out, _err = run(capsys, "simulate")
    assert code == 0
    digest_rows = [line for line in out.splitlines() if "weekly digest" in line]
    assert digest_rows and all("(no coordinator yet)" in line for line in digest_rows)
    assert not any("(no liaison)" in line for line in digest_rows)

    async def add_coordinator() -> None:
        from bot.services import build_services
        from bot.settings import load_settings
        from storage.models import Binding, Member, Role

        services = build_services(load_settings(), create=False)
        now = datetime.now(UTC)
        try:
            async with services.sessions() as session, session.begin():
                member = Member(telegram_user_id=777, chat_id=777, name="王协调", created_at=now)
                session.add(member)
                await session.flush()
                session.add(
                    Binding(member_id=member.id, role=Role.COORDINATOR, chat_id=777, created_at=now)
                )
        finally:
            await services.close()

    asyncio.run(add_coordinator())
    code, out, _err = run(capsys, "simulate")
    digest_rows = [line for line in out.splitlines() if "weekly digest" in line]
    assert digest_rows and all("coordinators: 王协调" in line for line in digest_rows)
