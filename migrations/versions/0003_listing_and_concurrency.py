"""listing and concurrency: per-owner task counts, task versions, one index per sort order

Revision ID: 0003_listing_and_concurrency
Revises: 0002_token_lifecycle
Create Date: 2026-11-23 04:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_listing_and_concurrency'
down_revision = '0002_token_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('task_count', sa.Integer(), server_default='0', nullable=False))
    op.execute('UPDATE users SET task_count = (SELECT count(*) FROM tasks WHERE tasks.owner_id = users.id)')

    with op.batch_alter_table('tasks') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.drop_index('ix_tasks_owner_id', table_name='tasks')
    op.create_index('ix_tasks_owner_created', 'tasks', ['owner_id', 'created_at', 'id'])
    op.create_index('ix_tasks_owner_priority', 'tasks', ['owner_id', 'priority', 'id'])
    op.create_index('ix_tasks_owner_title', 'tasks', ['owner_id', 'title', 'id'])
    op.create_index('ix_tasks_owner_due', 'tasks', ['owner_id', 'due_date', 'id'])


def downgrade():
    for name in ('ix_tasks_owner_due', 'ix_tasks_owner_title', 'ix_tasks_owner_priority', 'ix_tasks_owner_created'):
        op.drop_index(name, table_name='tasks')
    op.create_index('ix_tasks_owner_id', 'tasks', ['owner_id'])
    # Native DROP COLUMN (SQLite 3.35+): a batch would recreate users without its expression indexes.
    op.drop_column('tasks', 'version')
    op.drop_column('users', 'task_count')
