"""updated_at on competitions, enterprises, enterprise jobs, innovation teams, overseas batches
and schools, so every list an integrator syncs takes `updated_since`

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = (
    "competitions", "enterprises", "enterprise_jobs", "innovation_teams", "overseas_batches",
    "schools",
)


def _server_default():  # type: ignore[no-untyped-def]
    # SQLite adds a NOT NULL column in place only with a constant default; rebuilding a table
    # with rows that others reference would trip the foreign keys.
    if op.get_bind().dialect.name == "sqlite":
        return sa.text("'2000-01-01 00:00:00'")
    return sa.func.now()


def _add_updated_at(table):  # type: ignore[no-untyped-def]
    with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", sa.DateTime(), server_default=_server_default(), nullable=False)
        )
        batch_op.create_index(f"ix_{table}_updated_at", ["updated_at"], unique=False)
    op.execute(f"UPDATE {table} SET updated_at = created_at")  # the last change we know of


def _drop_updated_at(table):  # type: ignore[no-untyped-def]
    with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
        batch_op.drop_index(f"ix_{table}_updated_at")
        batch_op.drop_column("updated_at")


def upgrade():
    for table in TABLES:
        _add_updated_at(table)


def downgrade():
    for table in reversed(TABLES):
        _drop_updated_at(table)
