"""filter counts: completed and per-priority task counts beside users.task_count and projects.task_count

Revision ID: 0020_filter_counts
Revises: 0019_project_webhook_count
Create Date: 2026-12-06 21:00:00

A single ``completed`` or ``priority`` filter's X-Total-Count was a count over every matching row
(75-92 ms at a million tasks); it now adds these maintained counts, kept exact by the same writes
as task_count (taskapi/models/tasks.py). Upgrade counts them in place; downgrade drops them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_filter_counts'
down_revision = '0019_project_webhook_count'
branch_labels = None
depends_on = None

# Each count and the tasks it counts.
COUNTS = {'completed_task_count': 'completed = true', 'low_task_count': 'priority = 0',
          'normal_task_count': 'priority = 1', 'high_task_count': 'priority = 2'}
# Where each table's tasks are: a user's personal ones, a project's.
OWNED = {'users': 'tasks.owner_id = users.id AND tasks.project_id IS NULL',
         'projects': 'tasks.project_id = projects.id'}


def upgrade():
    for table, owned in OWNED.items():
        for column in COUNTS:  # native ADD COLUMN: a batch would rebuild users without its expression indexes
            op.add_column(table, sa.Column(column, sa.Integer(), server_default='0', nullable=False))
        counts = ', '.join(f'{column} = (SELECT count(*) FROM tasks WHERE {owned} AND {condition})'
                           for column, condition in COUNTS.items())
        op.execute(f'UPDATE {table} SET {counts}')


def downgrade():
    for table in OWNED:
        for column in COUNTS:
            op.drop_column(table, column)
