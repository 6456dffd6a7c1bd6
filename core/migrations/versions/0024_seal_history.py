"""seal history: a seal replaced or removed is kept with the day it stopped, so a document
prints the seal in force on its own issue date

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('seals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint('uq_seals_issuer', type_='unique')
        batch_op.create_index('ix_seals_issuer', ['issuer', 'uploaded_at'])


def downgrade():
    op.execute("DELETE FROM seals WHERE replaced_at IS NOT NULL")
    with op.batch_alter_table('seals', schema=None) as batch_op:
        batch_op.drop_index('ix_seals_issuer')
        batch_op.create_unique_constraint('uq_seals_issuer', ['issuer'])
        batch_op.drop_column('replaced_at')
