"""digital literacy: assessment rounds and results

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 13:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'literacy_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('takers', sa.String(length=20), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('maxima', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'literacy_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('teacher_id', sa.Integer(), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('total', sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['round_id'], ['literacy_rounds.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['teacher_id'], ['teachers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('literacy_results', schema=None) as batch_op:
        batch_op.create_index('ix_literacy_results_round_teacher', ['round_id', 'teacher_id'])
        batch_op.create_index(batch_op.f('ix_literacy_results_teacher_id'), ['teacher_id'])


def downgrade():
    with op.batch_alter_table('literacy_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_literacy_results_teacher_id'))
        batch_op.drop_index('ix_literacy_results_round_teacher')
    op.drop_table('literacy_results')
    op.drop_table('literacy_rounds')
