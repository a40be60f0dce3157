"""account security center: what a session shows its owner, and the security events table

Revision ID: 0007_security_center
Revises: 0006_reminders
Create Date: 2026-11-28 03:20:00

"""
import base64
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0007_security_center'
down_revision = '0006_reminders'
branch_labels = None
depends_on = None


def public_id(family_id):
    """The same derivation as taskapi.auth.sessions.public_session_id."""
    return base64.urlsafe_b64encode(hashlib.sha256(family_id.encode()).digest()[:16]).decode().rstrip("=")


def upgrade():
    op.add_column('auth_sessions', sa.Column('public_id', sa.String(length=22), nullable=True))
    op.add_column('auth_sessions', sa.Column('ip', sa.String(length=45), nullable=True))
    op.add_column('auth_sessions', sa.Column('user_agent', sa.String(length=200), nullable=True))
    op.add_column('auth_sessions', sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    sessions = sa.table('auth_sessions', sa.column('family_id', sa.String), sa.column('public_id', sa.String),
                        sa.column('started_at', sa.DateTime), sa.column('last_seen_at', sa.DateTime))
    connection = op.get_bind()
    for family_id, started_at in connection.execute(sa.select(sessions.c.family_id, sessions.c.started_at)).all():
        connection.execute(sessions.update().where(sessions.c.family_id == family_id)
                           .values(public_id=public_id(family_id), last_seen_at=started_at))
    op.create_index('uq_auth_sessions_public_id', 'auth_sessions', ['public_id'], unique=True)

    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('session_id', sa.String(length=22), nullable=True),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_security_events_type', 'security_events', ['type'])
    op.create_index('ix_security_events_at', 'security_events', ['at'])
    op.create_index('ix_security_events_user_at', 'security_events', ['user_id', 'at', 'id'])


def downgrade():
    op.drop_index('ix_security_events_user_at', table_name='security_events')
    op.drop_index('ix_security_events_at', table_name='security_events')
    op.drop_index('ix_security_events_type', table_name='security_events')
    op.drop_table('security_events')
    op.drop_index('uq_auth_sessions_public_id', table_name='auth_sessions')
    # resolve_fks=False: copy auth_sessions without reflecting users, whose expression indexes
    # SQLAlchemy cannot reflect (and would warn about, though nothing touches them)
    with op.batch_alter_table('auth_sessions', reflect_kwargs={"resolve_fks": False}) as batch:
        batch.drop_column('last_seen_at')
        batch.drop_column('user_agent')
        batch.drop_column('ip')
        batch.drop_column('public_id')
