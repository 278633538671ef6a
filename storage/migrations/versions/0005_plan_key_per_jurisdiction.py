"""plan keys unique per jurisdiction: two districts' plans with the same title are two plans

A plan's key is read from its document (place, issuer, title); a district's plan that names no
place has the same key as its neighbour's. The key is unique within a jurisdiction instead of
across the deployment, so importing one district's plan never revises the other's.

Revision ID: 0005_plan_key_per_jurisdiction
Revises: 0004_jurisdictions
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_plan_key_per_jurisdiction"
down_revision: str | None = "0004_jurisdictions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "uq_plans_plan_key"
NEW = "uq_plans_jurisdiction_plan_key"


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint(OLD, type_="unique")
        batch.create_unique_constraint(NEW, ["jurisdiction_id", "plan_key"])


def downgrade() -> None:
    """Only possible while no two jurisdictions hold a plan of the same key."""
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint(NEW, type_="unique")
        batch.create_unique_constraint(OLD, ["plan_key"])
