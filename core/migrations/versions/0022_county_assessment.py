"""the counties' yearly assessment: years, entered figures, interviews and commitments

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 15:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'county_assessments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year'),
    )
    op.create_table(
        'assessment_manual_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=50), nullable=False),
        sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['counties.id']),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['evidence_id'], ['uploads.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year', 'county_id', 'item'),
    )
    op.create_table(
        'assessment_interviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('issues', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('reported_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['county_id'], ['counties.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('assessment_interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_interviews_county_id'), ['county_id'])
    op.create_table(
        'assessment_commitments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('interview_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['interview_id'], ['assessment_interviews.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('assessment_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_commitments_interview_id'), ['interview_id'])


def downgrade():
    with op.batch_alter_table('assessment_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_commitments_interview_id'))
    op.drop_table('assessment_commitments')
    with op.batch_alter_table('assessment_interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_interviews_county_id'))
    op.drop_table('assessment_interviews')
    op.drop_table('assessment_manual_figures')
    op.drop_table('county_assessments')
