"""due-date reminders: user preferences and the digests sent, one per user and local day

Revision ID: 0006_reminders
Revises: 0005_failure_budgets
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0006_reminders'
down_revision = '0005_failure_budgets'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch), as in 0004: a batch would drop the lower(...) expression indexes.
    # The CHECK rides on the column definition, which SQLite and PostgreSQL both accept in ADD COLUMN.
    op.execute("ALTER TABLE users ADD COLUMN reminders VARCHAR(10) DEFAULT 'off' NOT NULL "
               "CONSTRAINT ck_users_reminders CHECK (reminders IN ('off', 'daily'))")
    op.add_column('users', sa.Column('timezone', sa.String(length=64), nullable=True))

    op.create_table(
        'reminder_digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('job_id', sa.String(length=64), nullable=False),
        sa.Column('task_count', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'local_date', name='uq_reminder_digests_user_day'),
    )
    op.create_index('ix_reminder_digests_created_at', 'reminder_digests', ['created_at'])


def downgrade():
    op.drop_index('ix_reminder_digests_created_at', table_name='reminder_digests')
    op.drop_table('reminder_digests')
    for column in ('timezone', 'reminders'):
        op.drop_column('users', column)
