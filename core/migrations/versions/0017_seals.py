"""seals: an issuing body's seal image, pressed on the documents it issues

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 05:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'seals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=40), nullable=False),
        sa.Column('upload_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['upload_id'], ['uploads.id']),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer'),
    )


def downgrade():
    op.drop_table('seals')
