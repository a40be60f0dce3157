"""project tasks: tasks in projects, assignees, and each project's audit trail

Revision ID: 0012_project_tasks
Revises: 0011_hardening_b
Create Date: 2026-12-06 11:00:00

Existing tasks become personal tasks (project_id NULL); users.task_count keeps counting them;
users.project_count and projects.task_count are the counts the listings read instead of counting.
Downgrade drops the project tasks first (they have no place in the older schema) and
recounts users.task_count over what is left.
"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0012_project_tasks'
down_revision = '0011_hardening_b'
branch_labels = None
depends_on = None


@contextmanager
def rebuilt_tasks():
    """A batch on tasks (SQLite rebuilds it to change foreign keys).

    The batch reflects users, whose case-insensitive expression indexes SQLAlchemy cannot reflect
    and warns about; users itself is not rebuilt, so they are untouched.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        with op.batch_alter_table('tasks') as batch_op:
            yield batch_op


def upgrade():
    with rebuilt_tasks() as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_tasks_project_id_projects', 'projects', ['project_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_tasks_assignee_id_users', 'users', ['assignee_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_index('ix_tasks_project_created', 'tasks', ['project_id', 'created_at', 'id'])
    op.create_index('ix_tasks_assignee', 'tasks', ['assignee_id'])
    op.create_table(
        'project_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['subject_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_project_events_project_at', 'project_events', ['project_id', 'at', 'id'])
    # Native ADD COLUMN: a batch would rebuild users without its expression indexes.
    op.add_column('users', sa.Column('project_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('projects', sa.Column('task_count', sa.Integer(), server_default='0', nullable=False))
    op.execute('UPDATE users SET project_count = '
               '(SELECT count(*) FROM project_members WHERE project_members.user_id = users.id)')


def downgrade():
    op.drop_column('projects', 'task_count')
    op.drop_column('users', 'project_count')
    op.drop_index('ix_project_events_project_at', table_name='project_events')
    op.drop_table('project_events')
    op.execute('DELETE FROM tasks WHERE project_id IS NOT NULL')
    op.drop_index('ix_tasks_assignee', table_name='tasks')
    op.drop_index('ix_tasks_project_created', table_name='tasks')
    with rebuilt_tasks() as batch_op:
        batch_op.drop_constraint('fk_tasks_assignee_id_users', type_='foreignkey')
        batch_op.drop_constraint('fk_tasks_project_id_projects', type_='foreignkey')
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('project_id')
    op.execute('UPDATE users SET task_count = (SELECT count(*) FROM tasks WHERE tasks.owner_id = users.id)')
