"""teachers by school, status, professional and title (replaces school + status)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 09:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.drop_index('ix_teachers_school_status')
        batch_op.create_index(
            'ix_teachers_school_status_professional_title',
            ['school_id', 'status', 'professional', 'title'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.drop_index('ix_teachers_school_status_professional_title')
        batch_op.create_index('ix_teachers_school_status', ['school_id', 'status'], unique=False)
