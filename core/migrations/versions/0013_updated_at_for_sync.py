"""updated_at on placements, appointments and recognitions, indexed with the teachers' one, so
integrators can sync with `updated_since`

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ("placements", "appointments", "recognitions")


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
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.create_index("ix_teachers_updated_at", ["updated_at"], unique=False)


def downgrade():
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.drop_index("ix_teachers_updated_at")
    for table in reversed(TABLES):
        _drop_updated_at(table)
