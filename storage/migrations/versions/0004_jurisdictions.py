"""jurisdictions: a tree of offices (province, city, county or district, township, street);
units, groups, aliases and plans belong to one; coordinators and invites carry one

A database of one jurisdiction upgrades into one jurisdiction named from its plans (the place
most of its plans were read as governing, else most of its units'; 本辖区 when none was read),
with every unit, group, alias and plan in it and every coordinator's binding and invite scoped
to it. Unit, group and alias names become unique per jurisdiction instead of globally.

Revision ID: 0004_jurisdictions
Revises: 0003_extension_requests
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.enums import JurisdictionLevel

revision: str = "0004_jurisdictions"
down_revision: str | None = "0003_extension_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOME = "本辖区"
# table -> (old unique constraint, its column, whether the new column is required)
NAMED = {
    "units": ("uq_units_name", "name"),
    "unit_groups": ("uq_unit_groups_name", "name"),
    "unit_aliases": ("uq_unit_aliases_alias", "alias"),
    "unit_group_aliases": ("uq_unit_group_aliases_alias", "alias"),
}
INDEXED = ("units", "unit_groups", "plans")


def _home_name(connection: sa.Connection) -> str:
    """The place most plans (then most units) were read as governing; a bare level
    character ("区") is no name."""
    for table in ("plans", "units"):
        rows = connection.execute(
            sa.text(
                f"SELECT jurisdiction, count(*) AS n FROM {table} "
                "WHERE jurisdiction IS NOT NULL GROUP BY jurisdiction ORDER BY n DESC, jurisdiction"
            )
        ).fetchall()
        for name, _count in rows:
            if name and len(name) > 1:
                return str(name)
    return HOME


def upgrade() -> None:
    op.create_table(
        "jurisdictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["jurisdictions.id"],
            name=op.f("fk_jurisdictions_parent_id_jurisdictions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdictions")),
        sa.UniqueConstraint("parent_id", "name", name="uq_jurisdictions_parent_name"),
    )
    op.create_index(op.f("ix_jurisdictions_parent_id"), "jurisdictions", ["parent_id"])
    connection = op.get_bind()
    name = _home_name(connection)
    connection.execute(
        sa.text(
            "INSERT INTO jurisdictions (name, level, created_at) "
            "VALUES (:name, :level, CURRENT_TIMESTAMP)"
        ),
        {"name": name, "level": JurisdictionLevel.of_place(name).value},
    )
    home = connection.execute(sa.text("SELECT min(id) FROM jurisdictions")).scalar_one()
    for table in (*NAMED, "plans"):
        _scope_required(table, home)
    for table in ("bindings", "invites"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("jurisdiction_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_jurisdiction_id_jurisdictions",
                "jurisdictions",
                ["jurisdiction_id"],
                ["id"],
                ondelete="CASCADE",
            )
        op.execute(f"UPDATE {table} SET jurisdiction_id = {int(home)} WHERE role <> 'liaison'")
    op.create_index(op.f("ix_bindings_jurisdiction_id"), "bindings", ["jurisdiction_id"])


def _scope_required(table: str, home: int) -> None:
    """Every row of the table into the home jurisdiction; names unique within one."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("jurisdiction_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET jurisdiction_id = {int(home)}")
    with op.batch_alter_table(table) as batch:
        batch.alter_column("jurisdiction_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            f"fk_{table}_jurisdiction_id_jurisdictions",
            "jurisdictions",
            ["jurisdiction_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        if table in NAMED:
            old, column = NAMED[table]
            batch.drop_constraint(old, type_="unique")
            batch.create_unique_constraint(
                f"uq_{table}_jurisdiction_{column}", ["jurisdiction_id", column]
            )
    if table in INDEXED:
        op.create_index(f"ix_{table}_jurisdiction_id", table, ["jurisdiction_id"])


def downgrade() -> None:
    """Back to one jurisdiction: only possible while names are still unique across all."""
    op.drop_index(op.f("ix_bindings_jurisdiction_id"), table_name="bindings")
    for table in ("invites", "bindings"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_jurisdiction_id_jurisdictions", type_="foreignkey")
            batch.drop_column("jurisdiction_id")
    for table in ("plans", *reversed(NAMED)):
        if table in INDEXED:
            op.drop_index(f"ix_{table}_jurisdiction_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            if table in NAMED:
                old, column = NAMED[table]
                batch.drop_constraint(f"uq_{table}_jurisdiction_{column}", type_="unique")
                batch.create_unique_constraint(old, [column])
            batch.drop_constraint(f"fk_{table}_jurisdiction_id_jurisdictions", type_="foreignkey")
            batch.drop_column("jurisdiction_id")
    op.drop_index(op.f("ix_jurisdictions_parent_id"), table_name="jurisdictions")
    op.drop_table("jurisdictions")
