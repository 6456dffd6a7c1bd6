"""entrants by person: one school's participation without scanning every entrant of the year

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 16:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('competition_entry_people', schema=None) as batch_op:
        batch_op.create_index('ix_entry_people_teacher_event', ['teacher_id', 'event_id'])
        batch_op.create_index('ix_entry_people_student_event', ['student_id', 'event_id'])


def downgrade():
    with op.batch_alter_table('competition_entry_people', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_people_student_event')
        batch_op.drop_index('ix_entry_people_teacher_event')
