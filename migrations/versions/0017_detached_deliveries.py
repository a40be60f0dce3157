"""detached deliveries: a delivery can outlive its webhook, carrying its endpoint and secrets

Revision ID: 0017_detached_deliveries
Revises: 0016_autoincrement
Create Date: 2026-12-06 14:50:00

Deleting a project deletes its webhooks, and with them (ON DELETE CASCADE) every delivery,
the project.deleted one included. A delivery still open at that moment is now detached first:
webhook_id becomes NULL and the row keeps a copy of the URL and of the encrypted secrets.
A CHECK keeps every row either attached or carrying what sending needs.

Downgrade deletes the detached rows (the older schema has no place for them: the cascade
would have deleted them) before webhook_id is NOT NULL again. SQLite rebuilds the table in a
batch, keeping AUTOINCREMENT; migrations/env.py turns foreign keys off around it.
"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0017_detached_deliveries'
down_revision = '0016_autoincrement'
branch_labels = None
depends_on = None

TARGET = 'webhook_id IS NOT NULL OR (url IS NOT NULL AND secret_encrypted IS NOT NULL)'


@contextmanager
def rebuilt_deliveries():
    """A batch on webhook_deliveries (SQLite rebuilds it, keeping AUTOINCREMENT; named CHECKs are reflected).

    The batch reflects users (through webhooks), whose expression indexes SQLAlchemy cannot
    reflect and warns about; users itself is not rebuilt, so they are untouched.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        with op.batch_alter_table('webhook_deliveries', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            yield batch_op


def upgrade():
    with rebuilt_deliveries() as batch_op:
        batch_op.alter_column('webhook_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('url', sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column('secret_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('previous_secret_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('previous_secret_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('ck_webhook_deliveries_target', TARGET)


def downgrade():
    op.execute('DELETE FROM webhook_deliveries WHERE webhook_id IS NULL')
    with rebuilt_deliveries() as batch_op:
        batch_op.drop_constraint('ck_webhook_deliveries_target', type_='check')
        batch_op.drop_column('previous_secret_expires_at')
        batch_op.drop_column('previous_secret_encrypted')
        batch_op.drop_column('secret_encrypted')
        batch_op.drop_column('url')
        batch_op.alter_column('webhook_id', existing_type=sa.Integer(), nullable=False)
