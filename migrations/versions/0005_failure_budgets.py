"""per-account failure budgets: one row per account (or unknown username) and limit period

Revision ID: 0005_failure_budgets
Revises: 0004_email_and_two_factor
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0005_failure_budgets'
down_revision = '0004_email_and_two_factor'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'failure_budgets',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('period', sa.Integer(), nullable=False),
        sa.Column('window_ends_ms', sa.BigInteger(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'period'),
    )
    op.create_index('ix_failure_budgets_window_ends_ms', 'failure_budgets', ['window_ends_ms'])


def downgrade():
    op.drop_index('ix_failure_budgets_window_ends_ms', table_name='failure_budgets')
    op.drop_table('failure_budgets')
