"""The board's HTTP side: the page, its static files and its JSON, under one prefix.

Every JSON request carries the Mini App's launch data (`Authorization: tma <initData>`);
a missing, forged or stale one gets 401 and nothing else, a verified user who is neither a
coordinator nor a liaison gets 403. Words and dates come rendered in the reader's language
(Babel), so the page holds no user-facing text of its own.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.board.auth import InitDataError, verify
from bot.board.http import Handler, Reader, ReaderHandler, json_response
from bot.board.office_api import OfficeApi
from bot.board.texts import page_texts
from bot.i18n import Translator, _, normalize_locale
from bot.render.chart import MAX_BARS, PART_COLOURS, PART_NAMES, PARTS, charted, rest_label
from bot.render.labels import STATUS_ICONS, period_label, status_label
from bot.render.unit_kinds import kind_label
from bot.services import Services
from bot.text import shorten
from bot.usecases.status.board import (
    PLACE_KIND,
    OfficeCounts,
    UnitFacts,
    board_viewer,
    duty_detail,
    overview,
    report_summaries,
    unit_duties,
)
from bot.usecases.status.board_places import row_key
from bot.usecases.tasks.lights import LIGHT_ICONS, LIGHT_MEANINGS, Light
from bot.usecases.tasks.lists import UnitCounts
from storage.enums import CLOSED_STATUSES
from storage.ids import parse_id

STATIC_DIR = Path(__file__).with_name("static")
PREFIX = "/board"
AUTH_SCHEME = "tma "
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
TEXT_CHARS = 140


class BoardApi:
    """Answers the board page; one per running bot (`handlers/web_server.py`)."""

    def __init__(
        self,
        services: Services,
        bot_token: str,
        office_counts: OfficeCounts | None = None,
        max_age: timedelta = timedelta(hours=24),
    ) -> None:
        self.services = services
        self._token = bot_token
        self.office_counts = office_counts
        self.max_age = max_age

    def routes(self, prefix: str = PREFIX) -> list[web.RouteDef]:
        return [
            web.get(prefix, self.redirect),
            web.get(f"{prefix}/", self.page),
            web.static(f"{prefix}/static", STATIC_DIR),
            web.get(f"{prefix}/api/texts", self.texts),
            web.get(f"{prefix}/api/overview", self.guarded(self.overview)),
            web.get(f"{prefix}/api/units/{{unit_id}}", self.guarded(self.unit)),
            web.get(f"{prefix}/api/duties/{{assignment_id}}", self.guarded(self.duty)),
            *OfficeApi(self.services, self.guarded).routes(prefix),
        ]

    # ---- page ---------------------------------------------------------------------------
    async def redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(request.path + "/")

    async def page(self, _request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    async def texts(self, request: web.Request) -> web.Response:
        """The page's words before anyone is known (the sign-in failure says them too)."""
        locale = normalize_locale(request.query.get("lang"), self.services.settings.locale)
        return json_response(
            {"locale": locale, "texts": page_texts(self.services.translator(locale))}
        )

    # ---- who asks ----------------------------------------------------------------------
    def guarded(self, handler: ReaderHandler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            header = request.headers.get("Authorization", "")
            init_data = header[len(AUTH_SCHEME) :] if header.startswith(AUTH_SCHEME) else ""
            try:
                launch = verify(init_data, self._token, self.services.clock.now(), self.max_age)
            except InitDataError as exc:
                return json_response({"error": "unauthorized", "reason": exc.reason}, status=401)
            async with self.services.sessions() as session:
                viewer = await board_viewer(session, launch.user.id)
            if viewer is None:
                return json_response({"error": "forbidden"}, status=403)
            locale = normalize_locale(
                viewer.language or launch.user.language_code, self.services.settings.locale
            )
            return await handler(request, Reader(viewer, launch, self.services.translator(locale)))

        return guarded

    def _today(self) -> date:
        return self.services.today()

    # ---- data ----------------------------------------------------------------------------
    def _counts(self, row: UnitCounts) -> dict[str, int]:
        return {
            "done": row.done,
            "in_progress": row.in_progress,
            "blocked": row.blocked,
            "more_time": row.more_time,
            "overdue": row.overdue,
            "due_soon": row.due_soon,
            "open": row.open,
            "ongoing": row.ongoing,
        }

    def _row(self, rank: int, row: UnitCounts, facts: UnitFacts, t: Translator) -> dict[str, Any]:
        """A row of the list: a unit's, or a jurisdiction's below the office (`place`)."""
        return {
            "key": row_key(row),
            "id": None if row.place else row.unit_id,
            "place": row.jurisdiction_id if row.place else None,
            "name": row.unit_name,
            "rank": rank,
            "light": row.light.value,
            "light_icon": LIGHT_ICONS[row.light],
            "kind": facts.kind,
            "groups": list(facts.groups),
            "plans": list(facts.plans),
            "counts": self._counts(row),
            "next_due": facts.next_due.isoformat() if facts.next_due else None,
            "next_due_label": t.date(facts.next_due) if facts.next_due else "",
            "next_duty": shorten(facts.next_duty or "", 60, one_line=True),
        }

    @staticmethod
    def _kind(kind: str, t: Translator) -> str:
        if kind == PLACE_KIND:
            return t.gettext(_("jurisdiction below"))
        return kind_label(kind, t)

    async def overview(self, request: web.Request, reader: Reader) -> web.Response:
        """Every row the viewer sees; `?place=ID` opens a jurisdiction below the office (its
        rows, paged and filtered like the office's own, until the page leaves it)."""
        t = reader.t
        today = self._today()
        opened = parse_id(request.query.get("place", ""))
        async with self.services.sessions() as session:
            seen = await overview(
                session, reader.viewer, today, self.services.calendar, self.office_counts, opened
            )
        units = [
            self._row(rank, row, seen.facts[row_key(row)], t) for rank, row in enumerate(seen.rows)
        ]
        kinds = sorted({unit["kind"] for unit in units})
        keys = {id(bar): key for key, bar in seen.progress}
        shown = charted([bar for _key, bar in seen.progress])
        return json_response(
            {
                "viewer": {"name": reader.viewer.name, "coordinator": reader.viewer.coordinator},
                "opened": {"id": seen.opened.id, "name": seen.opened.name} if seen.opened else None,
                "locale": t.locale,
                "as_of": today.isoformat(),
                "as_of_label": t.date_with_weekday(today),
                "texts": page_texts(t),
                "lights": [
                    {
                        "value": light.value,
                        "icon": LIGHT_ICONS[light],
                        "label": t.gettext(LIGHT_MEANINGS[light]),
                        "count": sum(1 for unit in units if unit["light"] == light.value),
                    }
                    for light in Light
                ],
                "plans": [{"id": i, "title": title} for i, title in seen.plans],
                "groups": [{"id": i, "name": name} for i, name in seen.groups],
                "kinds": [{"value": kind, "label": self._kind(kind, t)} for kind in kinds],
                "units": units,
                "chart": {
                    "limit": MAX_BARS,
                    "parts": [
                        {
                            "key": part,
                            "colour": PART_COLOURS[part],
                            "label": t.gettext(PART_NAMES[part]),
                        }
                        for part in PARTS
                    ],
                    "rows": [
                        {
                            "key": keys[id(unit)],
                            "id": unit.unit_id or None,
                            "name": unit.unit_name,
                            "light": unit.light,
                            "parts": {part: getattr(unit, part) for part in PARTS},
                        }
                        for unit in shown
                    ],
                    "rest_label": rest_label(len(shown) - MAX_BARS, t)
                    if len(shown) > MAX_BARS
                    else "",
                },
            }
        )

    async def unit(self, request: web.Request, reader: Reader) -> web.Response:
        unit_id = parse_id(request.match_info["unit_id"])
        page = parse_id(request.query.get("page", "0")) or 0
        if unit_id is None:
            return json_response({"error": "not_found"}, status=404)
        t = reader.t
        today = self._today()
        async with self.services.sessions() as session:
            found = await unit_duties(
                session, reader.viewer, unit_id, today, self.services.calendar, page
            )
            if found is None:
                return json_response({"error": "forbidden"}, status=403)
            counts, listing = found
            reports = await report_summaries(session, [row.assignment_id for row in listing.rows])
        duties = []
        for row in listing.rows:
            report = reports.get(row.assignment_id)
            duties.append(
                {
                    "id": row.assignment_id,
                    "number": row.number,
                    "plan": row.plan_title,
                    "text": shorten(row.text, TEXT_CHARS, one_line=True),
                    "status": row.status.value,
                    "status_label": status_label(row.status, t),
                    "overdue": row.overdue(today),
                    "closed": row.status in CLOSED_STATUSES,
                    "checkin": row.checkin,
                    "due": row.due.isoformat(),
                    "due_label": t.date(row.due),
                    "period": period_label(row.period_key, t),
                    "count": f"{row.progress_count}/{row.target_count}"
                    if row.target_count
                    else None,
                    "last": {
                        "who": report.who,
                        "at": t.datetime(report.at),
                        "status": status_label(report.status, t) if report.status else "",
                        "note": shorten(report.note or "", 80, one_line=True),
                        "reports": report.reports,
                        "evidence": report.evidence,
                    }
                    if report
                    else None,
                }
            )
        return json_response(
            {
                "unit": {
                    "id": unit_id,
                    "name": counts.unit_name if counts else "",
                    "light": counts.light.value if counts else Light.GREY.value,
                    "light_icon": LIGHT_ICONS[counts.light if counts else Light.GREY],
                    "counts": self._counts(counts) if counts else None,
                },
                "duties": duties,
                "page": listing.page,
                "pages": listing.pages,
                "total": listing.total,
            }
        )

    async def duty(self, request: web.Request, reader: Reader) -> web.Response:
        assignment_id = parse_id(request.match_info["assignment_id"])
        if assignment_id is None:
            return json_response({"error": "not_found"}, status=404)
        t = reader.t
        async with self.services.sessions() as session:
            card = await duty_detail(session, reader.viewer, assignment_id)
        if card is None:
            return json_response({"error": "forbidden"}, status=403)
        history = []
        for line in card.history:
            history.append(
                {
                    "at": t.datetime(line.at),
                    "who": line.who,
                    "status": status_label(line.status, t) if line.status else "",
                    "note": line.note or "",
                    "evidence": line.evidence_name or line.evidence_url or line.evidence_kind or "",
                    "url": line.evidence_url
                    if line.evidence_url and line.evidence_url.startswith(("http://", "https://"))
                    else None,
                    "file": line.has_file,
                    "event_date": t.date(line.event_date) if line.event_date else "",
                    "requested_due": t.date(line.requested_due) if line.requested_due else "",
                    "undone": line.undone,
                    "is_undo": line.is_undo,
                }
            )
        return json_response(
            {
                "id": card.assignment_id,
                "unit": card.unit_name,
                "plan": card.plan_title,
                "number": card.number,
                "section": card.section,
                "text": card.text,
                "status": card.status.value,
                "status_label": status_label(card.status, t),
                "status_icon": STATUS_ICONS[card.status],
                "due_label": t.date_with_weekday(card.due),
                "window_start": t.date(card.window_start) if card.window_start else "",
                "period": period_label(card.period_key, t),
                "lead": card.lead,
                "responsible": card.responsible,
                "count": f"{card.progress_count}/{card.target_count}"
                if card.target_count
                else None,
                "others": [
                    {"name": name, "status": status_label(status, t)}
                    for name, status in card.others[:50]
                ],
                "history": history,
            }
        )
