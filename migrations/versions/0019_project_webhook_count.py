"""project webhook count: projects.active_webhook_count, so events in projects without webhooks skip a query

Revision ID: 0018_project_webhook_count
Revises: 0018_search
Create Date: 2026-12-06 16:00:00

The outbox read the project's active webhooks for every event; it now reads this count with the
project row the request has loaded, and queries only when it is above zero. Upgrade counts the
active webhooks in place; downgrade drops the column (nothing else depends on it).
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_project_webhook_count'
down_revision = '0018_search'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('projects', sa.Column('active_webhook_count', sa.Integer(), server_default='0', nullable=False))
    op.execute('UPDATE projects SET active_webhook_count = (SELECT count(*) FROM webhooks '
               'WHERE webhooks.project_id = projects.id AND webhooks.active = true)')


def downgrade():
    op.drop_column('projects', 'active_webhook_count')
