"""The weekly digest's content: the fixture week's numbers in both languages, splitting with
200 units, the chart, and the comparison with last week."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.clock import SettableClock
from bot.delivery.digest import compose_digest, record_digest_sent
from bot.render import chart as chart_module
from bot.render.chart import MAX_BARS, render_completion_chart
from bot.render.digest import render_digest
from bot.services import Services
from bot.usecases.digest.data import collect_digest
from bot.usecases.digest.schedule import week_start_of
from storage.models import AssignmentStatus, DigestSent, Role
from tests.digest_fixtures import fixture_week, new_assignment, new_plan, new_unit
from tests.factories import add_member

WEEK = date(2026, 11, 23)


async def test_fixture_week_numbers(services: Services, clock: SettableClock) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        await fixture_week(session, now)
    async with services.sessions() as session:
        digest = await collect_digest(session, WEEK, now, services.settings.zone, services.calendar)
    assert digest.as_of == WEEK
    completion = digest.completion
    assert (completion.due, completion.done, completion.percent) == (4, 2, 50)
    assert (completion.year_total, completion.year_done) == (7, 2), "waived and 2027 left out"
    assert [(i.unit_name, i.days) for i in digest.overdue] == [("区司法局", 45), ("区司法局", 3)]
    assert [(i.unit_name, i.due, i.workdays_left) for i in digest.due_soon] == [
        ("区公安分局", date(2026, 11, 25), 2),
        ("区民政局", date(2026, 12, 1), 6),
        ("区教育局", date(2026, 12, 4), 9),
    ], "the extended due date counts, so 区民政局 is due soon, not overdue"
    assert digest.silent_units == ["区民政局"], "区司法局 answered its second reminder"
    assert [(u.name, u.units) for u in digest.unreachable] == [("user10002", ("区公安分局",))]
    assert digest.no_liaison == ["区教育局"]
    assert (digest.changes.done, digest.changes.newly_overdue) == (1, 1)
    assert digest.changes.previous is None
    assert digest.fallback_years == [2027]
    lights = {u.unit_name: (u.light, u.done, u.due) for u in digest.units}
    assert lights["区司法局"] == ("red", 1, 3)
    assert lights["区公安分局"] == ("yellow", 1, 1), "due in 2 working days, not started"
    assert digest.units[0].unit_name == "区司法局", "worst first"


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        (
            "en",
            [
                "As of Monday, 23 November 2026.",
                "Completion 2026 so far: 2 of 4 assignments due by now are done (50%).",
                "Whole year: 2 of 7 assignments done.",
                "1. 区司法局: 45 days overdue (due 9 October 2026) — 公开行政执法统计年报",
                "2. 区司法局: 3 days overdue (due 20 November 2026) — 报告法治政府建设情况",
                "1. 区公安分局: due 25 November 2026, 2 working days left, ⚪ not started — 公示执法信息",
                "1. user10002, 区公安分局, since 10 November 2026",
            ],
        ),
        (
            "zh_CN",
            [
                "截至2026年11月23日 星期一。",
                "2026年至今完成情况：已到期任务4项，已完成2项（50%）。",
                "全年：共7项任务，已完成2项。",
                "1. 区司法局：已逾期45天（截止2026年10月9日）— 公开行政执法统计年报",
                "2. 区司法局：已逾期3天（截止2026年11月20日）— 报告法治政府建设情况",
                "1. 区公安分局：2026年11月25日到期，还有2个工作日，⚪ 未开始 — 公示执法信息",
                "1. user10002，区公安分局，自2026年11月10日起",
            ],
        ),
    ],
)
async def test_fixture_week_text_in_each_language(
    services: Services, clock: SettableClock, locale: str, lines: list[str]
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        await fixture_week(session, now)
    async with services.sessions() as session:
        composed = await compose_digest(
            session, WEEK, now, services.translator(locale), services.calendar
        )
    [text] = composed.texts
    shown = text.splitlines()
    for line in lines:
        assert line in shown
    assert text.index("区司法局") < text.index("区公安分局") < text.index("区民政局")
    assert "user10002" in text and "区教育局" in text and "2027" in text
    assert composed.chart is not None and composed.chart.png.startswith(b"\x89PNG")
    assert composed.caption.splitlines()[0] == text.splitlines()[0]


async def test_two_hundred_units_split_under_the_limit(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    today = WEEK
    async with services.sessions() as session, session.begin():
        plan = await new_plan(session, now)
        for n in range(200):
            unit = await new_unit(
                session, now, f"第{n:03d}号区直机关事业单位综合行政执法管理办公室"
            )
            long_text = "按照法治政府建设实施纲要要求全面推进依法行政工作" * 6
            await new_assignment(session, now, plan, unit, today - timedelta(days=n + 1), long_text)
            await new_assignment(
                session, now, plan, unit, today + timedelta(days=n % 14), long_text
            )
    for locale in ("zh_CN", "en"):
        async with services.sessions() as session:
            composed = await compose_digest(
                session, WEEK, now, services.translator(locale), services.calendar
            )
        texts = composed.texts
        assert len(texts) >= 3, "200 units without liaisons do not fit one message"
        assert all(len(text) <= 4096 for text in texts)
        joined = "\n".join(texts)
        for n in range(200):
            assert f"第{n:03d}号" in joined, f"unit {n} missing from the no-liaison list"
        assert "170" in joined, "the overdue list is cut after 30 entries with the rest counted"
        assert composed.chart is not None and composed.chart.shown == MAX_BARS
        assert len(composed.caption) <= 1024


async def test_changes_compare_with_last_weeks_digest(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        fx = await fixture_week(session, now)
        coordinator = fx.members["coord_en"]
        first = await collect_digest(session, WEEK, now, services.settings.zone, services.calendar)
        await record_digest_sent(session, coordinator.id, WEEK, None, now, first.summary())
    later = now + timedelta(days=7)
    async with services.sessions() as session, session.begin():
        fx.assignments["a1"] = await session.merge(fx.assignments["a1"])
        fx.assignments["a1"].status = AssignmentStatus.DONE
        fx.assignments["a1"].status_changed_at = later - timedelta(days=1)
    async with services.sessions() as session:
        second = await collect_digest(
            session, WEEK + timedelta(days=7), later, services.settings.zone, services.calendar,
            coordinator.id,
        )  # fmt: skip
    assert second.changes.previous is not None and second.changes.previous["overdue"] == 2
    assert second.changes.done == 1, "a1 was done during the week"
    assert [(i.unit_name, i.due) for i in second.overdue] == [
        ("区司法局", date(2026, 11, 20)),
        ("区公安分局", date(2026, 11, 25)),
    ]
    assert second.changes.newly_overdue == 1, "b1 (due Nov 25) became overdue this week"
    [text] = render_digest(second, services.translator("en"))
    assert "Since the last digest (23 November 2026): 1 done, 1 newly overdue." in text
    assert "Overdue now: 2 (last digest: 2)." in text


async def test_digest_sent_record_is_one_per_week_and_member(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        member = await add_member(session, now, 20_001, None, role=Role.COORDINATOR)
        await record_digest_sent(session, member.id, WEEK, None, now, {"overdue": 1})
        await record_digest_sent(session, member.id, WEEK, None, now, {"overdue": 4})
    async with services.sessions() as session:
        rows = list(await session.scalars(select(DigestSent)))
    assert [(r.week_start, r.summary) for r in rows] == [(WEEK, {"overdue": 4})]


def test_week_starts_on_monday() -> None:
    assert week_start_of(date(2026, 11, 29)) == WEEK
    assert week_start_of(WEEK) == WEEK


async def test_chart_png_shows_every_unit_up_to_the_cap(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        await fixture_week(session, now)
    async with services.sessions() as session:
        digest = await collect_digest(session, WEEK, now, services.settings.zone, services.calendar)
    image = render_completion_chart(digest.units, services.translator("zh_CN"), digest.as_of)
    assert image is not None and (image.shown, image.total) == (4, 4)
    with Image.open(io.BytesIO(image.png)) as png:
        assert png.format == "PNG"
        width, height = png.size
    assert 600 < width < 1200 and 200 < height < 4000
    assert width + height <= 10_000, "Telegram's photo limits"


async def test_without_a_cjk_font_the_chart_is_left_out_and_said_so(
    services: Services, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_module, "find_cjk_family", lambda: None)
    now = clock.now()
    async with services.sessions() as session, session.begin():
        await fixture_week(session, now)
    async with services.sessions() as session:
        composed = await compose_digest(
            session, WEEK, now, services.translator("en"), services.calendar
        )
    assert composed.chart is None
    assert "No chart: the server has no font for Chinese text" in composed.texts[-1]
