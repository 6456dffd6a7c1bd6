"""mentor links: wrong phone digits counted (three close the link); the mentor's e-mail

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentor_links', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('wrong_digits', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('mentor_email', sa.String(length=120), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('mentor_email')
    with op.batch_alter_table('mentor_links', schema=None) as batch_op:
        batch_op.drop_column('wrong_digits')
