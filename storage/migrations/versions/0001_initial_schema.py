"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every table, in an order that lets each foreign key find its target."""
    _create_config_entries_to_unit_groups()
    _create_units_bindings()
    _create_duties_invites()
    _create_pending_inputs_to_unit_group_aliases()
    _create_unit_group_members_duty_units()
    _create_schedule_rules_occurrences()
    _create_assignments()
    _create_reminders()
    _create_status_reports()
    _create_delivery_attempts_digests_sent()


def _create_config_entries_to_unit_groups() -> None:
    """Tables config_entries, holiday_days, members, message_refs, plans, unit_groups, with their indexes."""
    op.create_table(
        "config_entries",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_config_entries")),
    )
    op.create_table(
        "holiday_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_days")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("unreachable_reason", sa.String(length=200), nullable=True),
        sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_members_telegram_user_id")),
    )
    op.create_table(
        "message_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("assignment_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_refs")),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_message_refs_chat_message"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_key", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("jurisdiction", sa.String(length=100), nullable=True),
        sa.Column("year_from", sa.Integer(), nullable=True),
        sa.Column("year_to", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=500), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.Column("is_statutory", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("plan_key", name=op.f("uq_plans_plan_key")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_source_hash"), ["source_hash"], unique=False)
    op.create_table(
        "unit_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_unit_groups_name")),
    )


def _create_units_bindings() -> None:
    """Tables units, bindings, with their indexes."""
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "department",
                "town",
                "street",
                "committee",
                "government",
                "other",
                name="unitkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("jurisdiction", sa.String(length=100), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("reminder_policy", sa.JSON(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("name", name=op.f("uq_units_name")),
    )
    op.create_table(
        "bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum("liaison", "coordinator", "admin", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_bindings_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_bindings_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bindings")),
        sa.UniqueConstraint("member_id", "unit_id", "role", name="uq_bindings_member_unit_role"),
    )
    with op.batch_alter_table("bindings", schema=None) as batch_op:
        batch_op.create_index("ix_bindings_unit", ["unit_id"], unique=False)


def _create_duties_invites() -> None:
    """Tables duties, invites, with their indexes."""
    op.create_table(
        "duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section_path", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("review", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("statutory_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_duties_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duties")),
    )
    with op.batch_alter_table("duties", schema=None) as batch_op:
        batch_op.create_index("ix_duties_plan_position", ["plan_id", "position"], unique=False)
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum("liaison", "coordinator", "admin", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["members.id"],
            name=op.f("fk_invites_created_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_invites_unit_id_units"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["members.id"],
            name=op.f("fk_invites_used_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invites_token_hash")),
    )


def _create_pending_inputs_to_unit_group_aliases() -> None:
    """Tables pending_inputs, unit_aliases, unit_group_aliases, with their indexes."""
    op.create_table(
        "pending_inputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_pending_inputs_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_inputs")),
        sa.UniqueConstraint("member_id", "chat_id", name="uq_pending_inputs_member_chat"),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_unit_aliases_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_aliases")),
        sa.UniqueConstraint("alias", name=op.f("uq_unit_aliases_alias")),
    )
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_aliases_unit_id"), ["unit_id"], unique=False)
    op.create_table(
        "unit_group_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["unit_groups.id"],
            name=op.f("fk_unit_group_aliases_group_id_unit_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_group_aliases")),
        sa.UniqueConstraint("alias", name=op.f("uq_unit_group_aliases_alias")),
    )
    with op.batch_alter_table("unit_group_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_group_aliases_group_id"), ["group_id"], unique=False
        )


def _create_unit_group_members_duty_units() -> None:
    """Tables unit_group_members, duty_units, with their indexes."""
    op.create_table(
        "unit_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["unit_groups.id"],
            name=op.f("fk_unit_group_members_group_id_unit_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_unit_group_members_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "unit_id", name=op.f("pk_unit_group_members")),
    )
    with op.batch_alter_table("unit_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_group_members_unit_id"), ["unit_id"], unique=False
        )
    op.create_table(
        "duty_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("lead", "responsible", name="unitrole", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("raw_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_duty_units_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["unit_groups.id"],
            name=op.f("fk_duty_units_group_id_unit_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_duty_units_unit_id_units"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_units")),
    )
    with op.batch_alter_table("duty_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_units_duty_id"), ["duty_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_units_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_units_unit_id"), ["unit_id"], unique=False)


def _create_schedule_rules_occurrences() -> None:
    """Tables schedule_rules, occurrences, with their indexes."""
    op.create_table(
        "schedule_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "one_off",
                "yearly_date",
                "yearly_window",
                "yearly_event",
                "periodic",
                "yearly_count",
                "event_relative",
                "ongoing",
                name="rulekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("repaired", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_schedule_rules_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_rules")),
    )
    with op.batch_alter_table("schedule_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_rules_duty_id"), ["duty_id"], unique=False)
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column("trigger_report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_occurrences_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["schedule_rules.id"],
            name=op.f("fk_occurrences_rule_id_schedule_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("rule_id", "period_key", name="uq_occurrences_rule_period"),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_occurrences_due", ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_occurrences_duty_id"), ["duty_id"], unique=False)


def _create_assignments() -> None:
    """Table assignments, with its indexes."""
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("lead", "responsible", name="unitrole", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("extended_due", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "blocked",
                "more_time",
                "done",
                "waived",
                "cancelled",
                name="assignmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("progress_count", sa.Integer(), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_assignments_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_assignments_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("occurrence_id", "unit_id", name="uq_assignments_occurrence_unit"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_status_due", ["status", "due_date"], unique=False)
        batch_op.create_index(
            "ix_assignments_status_unit",
            ["status", "unit_id", "due_date", "extended_due"],
            unique=False,
        )
        batch_op.create_index("ix_assignments_unit_due", ["unit_id", "due_date"], unique=False)


def _create_reminders() -> None:
    """Table reminders, with its indexes."""
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "window_open",
                "lead",
                "due",
                "overdue",
                "escalation",
                "digest",
                "notice",
                name="reminderkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "planned",
                "claimed",
                "sent",
                "failed",
                "cancelled",
                "collapsed",
                name="reminderstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_reminders_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_reminders_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("dedupe_key", name="uq_reminders_dedupe_key"),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_assignment", ["assignment_id"], unique=False)
        batch_op.create_index(
            "ix_reminders_chat_message", ["chat_id", "telegram_message_id"], unique=False
        )
        batch_op.create_index("ix_reminders_due", ["state", "send_after"], unique=False)


def _create_status_reports() -> None:
    """Table status_reports, with its indexes."""
    op.create_table(
        "status_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "blocked",
                "more_time",
                "done",
                "waived",
                "cancelled",
                name="assignmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "previous_status",
            sa.Enum(
                "open",
                "in_progress",
                "blocked",
                "more_time",
                "done",
                "waived",
                "cancelled",
                name="assignmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_kind", sa.String(length=16), nullable=True),
        sa.Column("evidence_file_id", sa.String(length=256), nullable=True),
        sa.Column("evidence_name", sa.String(length=300), nullable=True),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_meta", sa.JSON(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("requested_due", sa.Date(), nullable=True),
        sa.Column("count_delta", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undoes_report_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_status_reports_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_status_reports_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_reports")),
    )
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_reports_assignment", ["assignment_id", "created_at"], unique=False
        )


def _create_delivery_attempts_digests_sent() -> None:
    """Tables delivery_attempts, digests_sent, with their indexes."""
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("retry_after", sa.Double(), nullable=True),
        sa.Column("worker", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_delivery_attempts_reminder_id_reminders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_attempts_reminder_id"), ["reminder_id"], unique=False
        )
    op.create_table(
        "digests_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_digests_sent_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_digests_sent_reminder_id_reminders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests_sent")),
        sa.UniqueConstraint("member_id", "week_start", name="uq_digests_sent_member_week"),
    )

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table("digests_sent")
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_attempts_reminder_id"))

    op.drop_table("delivery_attempts")
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_status_reports_assignment")

    op.drop_table("status_reports")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_due")
        batch_op.drop_index("ix_reminders_chat_message")
        batch_op.drop_index("ix_reminders_assignment")

    op.drop_table("reminders")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_unit_due")
        batch_op.drop_index("ix_assignments_status_unit")
        batch_op.drop_index("ix_assignments_status_due")

    op.drop_table("assignments")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occurrences_duty_id"))
        batch_op.drop_index("ix_occurrences_due")

    op.drop_table("occurrences")
    with op.batch_alter_table("schedule_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_rules_duty_id"))

    op.drop_table("schedule_rules")
    with op.batch_alter_table("duty_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_units_unit_id"))
        batch_op.drop_index(batch_op.f("ix_duty_units_group_id"))
        batch_op.drop_index(batch_op.f("ix_duty_units_duty_id"))

    op.drop_table("duty_units")
    with op.batch_alter_table("unit_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_group_members_unit_id"))

    op.drop_table("unit_group_members")
    with op.batch_alter_table("unit_group_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_group_aliases_group_id"))

    op.drop_table("unit_group_aliases")
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_aliases_unit_id"))

    op.drop_table("unit_aliases")
    op.drop_table("pending_inputs")
    op.drop_table("invites")
    with op.batch_alter_table("duties", schema=None) as batch_op:
        batch_op.drop_index("ix_duties_plan_position")

    op.drop_table("duties")
    with op.batch_alter_table("bindings", schema=None) as batch_op:
        batch_op.drop_index("ix_bindings_unit")

    op.drop_table("bindings")
    op.drop_table("units")
    op.drop_table("unit_groups")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_source_hash"))

    op.drop_table("plans")
    op.drop_table("message_refs")
    op.drop_table("members")
    op.drop_table("holiday_days")
    op.drop_table("config_entries")
    # ### end Alembic commands ###
