"""placements by teacher, status, end date, start date and days (replaces teacher + status)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 11:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_teacher_status')
        batch_op.create_index(
            'ix_placements_teacher_practice',
            ['teacher_id', 'status', 'end_date', 'start_date', 'days'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_teacher_practice')
        batch_op.create_index(
            'ix_placements_teacher_status', ['teacher_id', 'status'], unique=False
        )
