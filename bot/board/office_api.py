"""The board's office work (coordinators only): groups and their members, units to review.

The same changes as /groups and /units in the chat (`bot.usecases.units.office`), each in its own
transaction behind the planning lock, the touched duties planned again at once. Requests are
authenticated like every board request (the signed launch data in a header, which a page of
another site cannot send), and a liaison gets 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.board.http import Guard, Reader, json_response
from bot.clock import local_date
from bot.render.office import refusal_text
from bot.render.unit_kinds import CHOOSABLE_KINDS, kind_label
from bot.services import Services
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.replan import replan
from bot.usecases.units import office
from storage.ids import parse_id
from storage.models import Assignment, Unit

MAX_BODY_UNITS = 200


def _ids(values: Any) -> list[int]:
    if not isinstance(values, list) or len(values) > MAX_BODY_UNITS:
        return []
    return [number for value in values if (number := parse_id(str(value))) is not None]


class OfficeApi:
    """Routes under /board/api/office…, bound to the board's API (auth, services, JSON)."""

    def __init__(self, services: Services, guarded: Guard) -> None:
        self.services = services
        self.guarded = guarded

    def routes(self, prefix: str) -> list[web.RouteDef]:
        guarded = self.guarded
        return [
            web.get(f"{prefix}/api/office", guarded(self.overview)),
            web.post(f"{prefix}/api/office/groups", guarded(self.new_group)),
            web.post(f"{prefix}/api/office/groups/{{group_id}}", guarded(self.members)),
            web.post(f"{prefix}/api/office/units/{{unit_id}}", guarded(self.unit)),
        ]

    async def _json_body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    async def _change(
        self,
        reader: Reader,
        work: Callable[[AsyncSession], Awaitable[tuple[Any, ...]]],
    ) -> web.Response:
        """Run a change for a coordinator, plan its duties, answer the new office state."""
        if not reader.viewer.coordinator:
            return json_response({"error": "forbidden"}, status=403)
        services = self.services
        try:
            async with services.sessions() as session, session.begin():
                await write_lock(session)
                duty_ids = await work(session)
                await replan(session, services, list(duty_ids))
        except office.OfficeRefused as refused:
            return json_response(
                {"error": "refused", "message": refusal_text(refused, reader.t)}, status=409
            )
        return await self.overview(None, reader)

    async def overview(self, _request: web.Request | None, reader: Reader) -> web.Response:
        if not reader.viewer.coordinator:
            return json_response({"error": "forbidden"}, status=403)
        t = reader.t
        scope = reader.viewer.scope
        async with self.services.sessions() as session:
            groups = [
                await office.group_view(session, line.id, scope)
                for line in await office.group_lines(session, scope)
            ]
            review, unresolved = await office.units_to_review(session, scope)
            units = [
                (unit_id, name)
                for unit_id, name, place in await session.execute(
                    select(Unit.id, Unit.name, Unit.jurisdiction_id)
                    .where(Unit.id.in_(select(Assignment.unit_id).distinct()) | Unit.needs_review)
                    .order_by(Unit.name)
                )
                if scope is None or scope.sees(place)
            ]
        return json_response(
            {
                "groups": [
                    {
                        "id": group.id,
                        "name": group.name,
                        "automatic": group.automatic,
                        "duties": group.duties,
                        "members": [{"id": i, "name": name} for i, name in group.members],
                    }
                    for group in groups
                    if group is not None
                ],
                "review": [
                    {"id": i, "name": name, "kind": kind, "kind_label": kind_label(kind, t)}
                    for i, name, kind in review
                ],
                "unresolved": unresolved,
                "kinds": [{"value": k, "label": kind_label(k, t)} for k in CHOOSABLE_KINDS],
                "units": [{"id": i, "name": name} for i, name in units],
            }
        )

    async def new_group(self, request: web.Request, reader: Reader) -> web.Response:
        body = await self._json_body(request)
        name = body.get("name") if isinstance(body.get("name"), str) else ""
        now = self.services.clock.now()

        async def work(session: AsyncSession) -> tuple[Any, ...]:
            await office.create_group(session, name, now, reader.viewer.scope)
            return ()

        return await self._change(reader, work)

    async def members(self, request: web.Request, reader: Reader) -> web.Response:
        group_id = parse_id(request.match_info["group_id"]) or 0
        body = await self._json_body(request)
        add, remove = _ids(body.get("add")), _ids(body.get("remove"))
        now = self.services.clock.now()
        today = local_date(now, self.services.settings.zone)

        async def work(session: AsyncSession) -> tuple[Any, ...]:
            duty_ids: list[int] = []
            for ids, adding in ((add, True), (remove, False)):
                if ids:
                    change = await office.change_members(
                        session,
                        group_id,
                        add=adding,
                        now=now,
                        today=today,
                        unit_ids=ids,
                        scope=reader.viewer.scope,
                    )
                    duty_ids.extend(change.duty_ids)
            if not add and not remove:
                raise office.OfficeRefused("no_units")
            return tuple(duty_ids)

        return await self._change(reader, work)

    async def unit(self, request: web.Request, reader: Reader) -> web.Response:
        unit_id = parse_id(request.match_info["unit_id"]) or 0
        body = await self._json_body(request)
        kind = body.get("kind")
        into = parse_id(str(body.get("merge_into", "")))
        scope = reader.viewer.scope

        async def work(session: AsyncSession) -> tuple[Any, ...]:
            if isinstance(kind, str):
                return (await office.set_kind(session, unit_id, kind, scope)).duty_ids
            if into is not None:
                target = await session.get(Unit, into)
                if target is None or (scope is not None and not scope.sees(target.jurisdiction_id)):
                    raise office.OfficeRefused("gone")
                return (await office.merge_into(session, unit_id, str(target.id), scope)).duty_ids
            raise office.OfficeRefused("no_units")

        return await self._change(reader, work)
