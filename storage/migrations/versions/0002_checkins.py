"""undated duties are check-ins (assignments.checkin); one deadline per activity
(assignments.also_duties); finer unit kinds

An undated ("ongoing") duty was planned like a quarter-end deadline, with overdue repeats and
escalations. Its assignments are now marked as check-ins (asked about once a period, never
overdue), and the deadline reminders already planned for them are cancelled; the next
planning run gives them their check-in.

Units are classified again with the curated table (`bot.importing.unit_kinds`): party organs,
congress and CPPCC offices, courts and procuratorates, mass organisations and public
institutions are no longer "departments", so they leave the department groups (区直各部门,
区政府各部门, 各行政执法部门) they had joined automatically.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONGOING_ASSIGNMENTS = (
    "SELECT assignments.id FROM assignments "
    "JOIN occurrences ON occurrences.id = assignments.occurrence_id "
    "JOIN schedule_rules ON schedule_rules.id = occurrences.rule_id "
    "WHERE schedule_rules.kind = 'ongoing'"
)


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(
            sa.Column("checkin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("also_duties", sa.JSON(), nullable=True))
    op.execute(f"UPDATE assignments SET checkin = true WHERE id IN ({ONGOING_ASSIGNMENTS})")
    op.execute(
        "UPDATE reminders SET state = 'cancelled', last_error = 'undated duty: now a check-in' "
        "WHERE state = 'planned' AND kind IN ('window_open', 'lead', 'due', 'overdue', "
        f"'escalation') AND assignment_id IN ({ONGOING_ASSIGNMENTS})"
    )
    _reclassify()


DEPARTMENT_GROUPS = (
    "SELECT id FROM unit_groups WHERE name LIKE '%直各部门' OR name LIKE '%政府各部门' "
    "OR name = '各行政执法部门'"
)


def _reclassify() -> None:
    from bot.importing.unit_kinds import classify

    connection = op.get_bind()
    units = connection.execute(sa.text("SELECT id, name, kind FROM units")).fetchall()
    for unit_id, name, kind in units:
        new = classify(name).value
        if new != kind and not (new == "other" and kind != "other"):
            connection.execute(
                sa.text("UPDATE units SET kind = :kind WHERE id = :id"),
                {"kind": new, "id": unit_id},
            )
    op.execute(
        f"DELETE FROM unit_group_members WHERE group_id IN ({DEPARTMENT_GROUPS}) AND unit_id IN "
        "(SELECT id FROM units WHERE kind <> 'department')"
    )


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("also_duties")
        batch.drop_column("checkin")
