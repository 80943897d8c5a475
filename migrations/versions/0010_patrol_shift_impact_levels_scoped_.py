"""patrol shift impact levels, scoped assignments and track points

Each planned shift records its sector's impact level when it was planned; shifts planned before
this revision keep NULL ("not known"), and the committee's coverage of critical sectors does
not count them. A plan's assignments and a patrol's track points carry their parent's scoping
columns (origin node, sharing level, audience), copied here from the plan or the patrol.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

IMPACT = sa.Enum(
    "low",
    "medium",
    "high",
    "critical",
    name="impact_level",
    native_enum=False,
    create_constraint=True,
    length=32,
)
LEVEL = sa.Enum(
    "national",
    "binational",
    "humanitarian",
    name="sharing_level",
    native_enum=False,
    create_constraint=True,
    length=32,
)
AUDIENCE = sa.Enum(
    "all",
    "security",
    "humanitarian",
    name="audience",
    native_enum=False,
    create_constraint=True,
    length=32,
)
# child table → (its parent table, the foreign key to it)
ROWS = {"patrol_assignment": ("patrol_plan", "plan_id"), "patrol_point": ("patrol", "patrol_id")}


def upgrade() -> None:
    for table, (parent, key) in ROWS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "patrol_assignment":
                batch_op.add_column(sa.Column("impact", IMPACT, nullable=True))
                batch_op.create_index("ix_patrol_assignment_starts_at", ["starts_at"], unique=False)
            batch_op.add_column(sa.Column("origin_node", sa.String(length=2), nullable=True))
            batch_op.add_column(sa.Column("sharing_level", LEVEL, nullable=True))
            batch_op.add_column(sa.Column("audience", AUDIENCE, nullable=True))
        op.execute(
            f"UPDATE {table} SET"
            + ", ".join(
                f" {column} = (SELECT {column} FROM {parent} p WHERE p.id = {table}.{key})"
                for column in ("origin_node", "sharing_level", "audience")
            )
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("origin_node", existing_type=sa.String(length=2), nullable=False)
            batch_op.alter_column("sharing_level", existing_type=LEVEL, nullable=False)


def downgrade() -> None:
    for table in reversed(ROWS):
        # SQLite copies the table with its CHECK constraints: those of the columns go first
        checks = ["audience", "sharing_level"]
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "patrol_assignment":
                batch_op.drop_index("ix_patrol_assignment_starts_at")
                checks.append("impact_level")
            for name in checks:
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.drop_column("audience")
            batch_op.drop_column("sharing_level")
            batch_op.drop_column("origin_node")
            if table == "patrol_assignment":
                batch_op.drop_column("impact")
