"""SQLAlchemy 2 models for the whole domain.

Designed up front so later features add behaviour, not tables. All instants are stored as
aware UTC datetimes (`UTCDateTime`); calendar dates (due dates, windows) are plain dates in
the deployment's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.engine import Dialect, ExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.enums import (
    AssignmentStatus,
    ExtensionState,
    JurisdictionLevel,
    ReminderKind,
    ReminderState,
    Role,
    RuleKind,
    UnitKind,
    UnitRole,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; refuses naive values so none are read as UTC by accident."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
    }


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Jurisdiction(Base):
    """A place whose office supervises its own units: a province, city, county or district,
    township or street, in a tree (a city's districts are its children)."""

    __tablename__ = "jurisdictions"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_jurisdictions_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[JurisdictionLevel] = mapped_column(_enum(JurisdictionLevel))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime]

    parent: Mapped[Jurisdiction | None] = relationship(remote_side=[id])


HOME_JURISDICTION = "本辖区"


def home_jurisdiction_id(context: ExecutionContext) -> int:
    """The deployment's first top-level jurisdiction, made on first need: where a row made
    without a jurisdiction (a one-jurisdiction deployment's unit, group or coordinator) goes."""
    connection = context.connection
    table = Jurisdiction.__table__
    found = connection.execute(
        table.select()
        .with_only_columns(table.c.id)
        .where(table.c.parent_id.is_(None))
        .order_by(table.c.id)
        .limit(1)
    ).scalar()
    if found is not None:
        return int(found)
    inserted = connection.execute(
        table.insert().values(
            name=HOME_JURISDICTION,
            level=JurisdictionLevel.DISTRICT.value,
            created_at=func.now(),  # the database's clock: a bookkeeping stamp only
        )
    )
    return int(inserted.inserted_primary_key[0])


def _of_parent(parent_table: str, column: str) -> Any:
    """A default: the jurisdiction of the row this one hangs from (an alias's unit or group)."""

    def default(context: ExecutionContext) -> int:
        parent_id = context.get_current_parameters()[column]
        table = Base.metadata.tables[parent_table]
        found = context.connection.execute(
            table.select().with_only_columns(table.c.jurisdiction_id).where(table.c.id == parent_id)
        ).scalar()
        return int(found) if found is not None else home_jurisdiction_id(context)

    return default


class Unit(Base):
    """A government unit (department, town, street office …) under its canonical name, unique
    within its jurisdiction (杨陵区's 区司法局 and 下陆区's 区司法局 are two units)."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "name", name="uq_units_jurisdiction_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"),
        index=True,
        default=home_jurisdiction_id,
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind), default=UnitKind.OTHER)
    jurisdiction: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str | None] = mapped_column(String(64))
    reminder_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )
    groups: Mapped[list[UnitGroup]] = relationship(
        secondary="unit_group_members", back_populates="members"
    )


class UnitAlias(Base):
    """Another spelling of a unit (区市场监管局 for 区市场监督管理局)."""

    __tablename__ = "unit_aliases"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "alias", name="uq_unit_aliases_jurisdiction_alias"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"),
        default=_of_parent("units", "unit_id"),
    )
    alias: Mapped[str] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitGroup(Base):
    """A collective name (区直各部门, 各街道 …) standing for a coordinator-edited set of units."""

    __tablename__ = "unit_groups"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "name", name="uq_unit_groups_jurisdiction_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"),
        index=True,
        default=home_jurisdiction_id,
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    members: Mapped[list[Unit]] = relationship(
        secondary="unit_group_members", back_populates="groups"
    )
    aliases: Mapped[list[UnitGroupAlias]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class UnitGroupAlias(Base):
    """Another wording of a collective name (各街办 for 各街道)."""

    __tablename__ = "unit_group_aliases"
    __table_args__ = (
        UniqueConstraint(
            "jurisdiction_id", "alias", name="uq_unit_group_aliases_jurisdiction_alias"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("unit_groups.id", ondelete="CASCADE"), index=True
    )
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"),
        default=_of_parent("unit_groups", "group_id"),
    )
    alias: Mapped[str] = mapped_column(String(200))

    group: Mapped[UnitGroup] = relationship(back_populates="aliases")


class UnitGroupMember(Base):
    __tablename__ = "unit_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("unit_groups.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Plan(Base):
    """One published plan; a source file may hold several."""

    __tablename__ = "plans"
    # a plan's key is read from its document: unique within a jurisdiction, since two
    # districts' plans may carry the same title and name no place
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "plan_key", name="uq_plans_jurisdiction_plan_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str | None] = mapped_column(String(200))
    jurisdiction: Mapped[str | None] = mapped_column(String(100))
    # the jurisdiction whose plan it is (read from the document, confirmed at import)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="RESTRICT"),
        index=True,
        default=home_jurisdiction_id,
    )
    year_from: Mapped[int | None] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    is_statutory: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    duties: Mapped[list[Duty]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Duty.position"
    )


class Duty(Base):
    """One item of a plan: its printed number, section path and text."""

    __tablename__ = "duties"
    __table_args__ = (Index("ix_duties_plan_position", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    section_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    review: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    statutory_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    plan: Mapped[Plan] = relationship(back_populates="duties")
    units: Mapped[list[DutyUnit]] = relationship(
        back_populates="duty", cascade="all, delete-orphan"
    )
    rules: Mapped[list[ScheduleRule]] = relationship(
        back_populates="duty", cascade="all, delete-orphan"
    )


class DutyUnit(Base):
    """A lead or responsible unit (or a collective group) named by a duty, as printed."""

    __tablename__ = "duty_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"), index=True)
    role: Mapped[UnitRole] = mapped_column(_enum(UnitRole))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit_groups.id", ondelete="SET NULL"), index=True
    )
    raw_name: Mapped[str] = mapped_column(String(200))

    duty: Mapped[Duty] = relationship(back_populates="units")
    unit: Mapped[Unit | None] = relationship()
    group: Mapped[UnitGroup | None] = relationship()


class ScheduleRule(Base):
    """A deadline rule read from a duty's words, with the phrase it came from."""

    __tablename__ = "schedule_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RuleKind] = mapped_column(_enum(RuleKind))
    phrase: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    repaired: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    duty: Mapped[Duty] = relationship(back_populates="rules")


class Occurrence(Base):
    """One period of a rule: the window it is open and the day it is due."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("rule_id", "period_key", name="uq_occurrences_rule_period"),
        Index("ix_occurrences_due", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("schedule_rules.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    window_start: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    target_count: Mapped[int | None] = mapped_column(Integer)
    trigger_report_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]

    duty: Mapped[Duty] = relationship()
    rule: Mapped[ScheduleRule] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="occurrence", cascade="all, delete-orphan"
    )


class Assignment(Base):
    """An occurrence as one unit's job, with its current status."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "unit_id", name="uq_assignments_occurrence_unit"),
        Index("ix_assignments_unit_due", "unit_id", "due_date"),
        Index("ix_assignments_status_due", "status", "due_date"),
        # Covers /status's counts: per status and unit, and the open ones' due dates.
        Index("ix_assignments_status_unit", "status", "unit_id", "due_date", "extended_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    role: Mapped[UnitRole] = mapped_column(_enum(UnitRole))
    due_date: Mapped[date] = mapped_column(Date)
    extended_due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[AssignmentStatus] = mapped_column(
        _enum(AssignmentStatus), default=AssignmentStatus.OPEN
    )
    progress_count: Mapped[int] = mapped_column(Integer, default=0)
    status_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # an undated duty's period: asked about, never overdue, never escalated
    checkin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # other duties requiring the same activity of this unit in the same year (a plan item
    # restating a statutory duty, Constitution Day and Week named together): joined here
    also_duties: Mapped[list[int] | None] = mapped_column(JSON)

    occurrence: Mapped[Occurrence] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
    reports: Mapped[list[StatusReport]] = relationship(
        back_populates="assignment",
        order_by="StatusReport.created_at",
        foreign_keys="StatusReport.assignment_id",
    )


class StatusReport(Base):
    """Append-only history of what a liaison said about an assignment."""

    __tablename__ = "status_reports"
    __table_args__ = (Index("ix_status_reports_assignment", "assignment_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    status: Mapped[AssignmentStatus | None] = mapped_column(_enum(AssignmentStatus))
    previous_status: Mapped[AssignmentStatus | None] = mapped_column(_enum(AssignmentStatus))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_kind: Mapped[str | None] = mapped_column(String(16))
    evidence_file_id: Mapped[str | None] = mapped_column(String(256))
    evidence_name: Mapped[str | None] = mapped_column(String(300))
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    event_date: Mapped[date | None] = mapped_column(Date)
    requested_due: Mapped[date | None] = mapped_column(Date)
    count_delta: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None]
    undoes_report_id: Mapped[int | None] = mapped_column(Integer)

    assignment: Mapped[Assignment] = relationship(
        back_populates="reports", foreign_keys=[assignment_id]
    )
    member: Mapped[Member | None] = relationship()


class ExtensionRequest(Base):
    """A liaison's request for a later due date; the date moves only when a coordinator
    approves. `report_id` is the liaison's "needs more time" report, `chat_id` where the
    answer goes."""

    __tablename__ = "extension_requests"
    __table_args__ = (Index("ix_extension_requests_assignment", "assignment_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_reports.id", ondelete="SET NULL")
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    requested_due: Mapped[date] = mapped_column(Date)
    due_before: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(
        _enum(ExtensionState), default=ExtensionState.PENDING
    )
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]


class Member(Base):
    """A Telegram user known to the bot."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    unreachable_since: Mapped[datetime | None]
    created_at: Mapped[datetime]

    bindings: Mapped[list[Binding]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class Binding(Base):
    """A member's role, for one unit (liaison) or for an office (coordinator, admin).

    `chat_id` is where that role's messages go: the private chat, or the unit's group chat
    where the invite was opened. A coordinator's `jurisdiction_id` is the office whose units
    they see and manage (with its children's); NULL for a liaison (their unit says where).
    """

    __tablename__ = "bindings"
    __table_args__ = (
        UniqueConstraint("member_id", "unit_id", "role", name="uq_bindings_member_unit_role"),
        Index("ix_bindings_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    jurisdiction_id: Mapped[int | None] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    member: Mapped[Member] = relationship(back_populates="bindings")
    unit: Mapped[Unit | None] = relationship()


class Invite(Base):
    """A single-use deep-link token; only its SHA-256 is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    # the office a coordinator invite is for (a liaison's unit says where)
    jurisdiction_id: Mapped[int | None] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="CASCADE")
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class Reminder(Base):
    """The outbox: one planned message to one chat. A restart or a second worker loses nothing.

    `planned_at` is when it was meant to go out (shown to the reader when late); `send_after`
    is when the outbox may next try it (moved forward by retry_after and backoff).
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_reminders_dedupe_key"),
        Index("ix_reminders_due", "state", "send_after"),
        Index("ix_reminders_assignment", "assignment_id"),
        Index("ix_reminders_chat_message", "chat_id", "telegram_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    planned_at: Mapped[datetime]
    state: Mapped[ReminderState] = mapped_column(
        _enum(ReminderState), default=ReminderState.PLANNED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    send_after: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]

    assignment: Mapped[Assignment | None] = relationship()
    member: Mapped[Member | None] = relationship()


class DeliveryAttempt(Base):
    """Every try at sending a reminder, with its outcome."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[float | None]
    worker: Mapped[str | None] = mapped_column(String(64))


class DigestSent(Base):
    """Which weekly digest went to which coordinator."""

    __tablename__ = "digests_sent"
    __table_args__ = (
        UniqueConstraint("member_id", "week_start", name="uq_digests_sent_member_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class HolidayDay(Base):
    """An administrator-loaded official day off or make-up working day (for years the
    bundled calendar does not know yet)."""

    __tablename__ = "holiday_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(300))


class ConfigEntry(Base):
    """Coordinator-edited settings kept in the database (statutory overrides, per-year
    Constitution Week dates …)."""

    __tablename__ = "config_entries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class PendingInput(Base):
    """What the bot is waiting for from a chat (a reason, a date, a note, an import confirm)."""

    __tablename__ = "pending_inputs"
    __table_args__ = (
        UniqueConstraint("member_id", "chat_id", name="uq_pending_inputs_member_chat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class MessageRef(Base):
    """Which assignments a bot message was about, so a reply to it lands on the right one."""

    __tablename__ = "message_refs"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", name="uq_message_refs_chat_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    assignment_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
