"""token lifecycle: users.token_version, login sessions and refresh tokens

Revision ID: 0002_token_lifecycle
Revises: 6f777b0e36b2
Create Date: 2026-11-23 04:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_token_lifecycle'
down_revision = '6f777b0e36b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table(
        'auth_sessions',
        sa.Column('family_id', sa.String(length=43), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('family_id'),
    )
    op.create_index('ix_auth_sessions_user_id', 'auth_sessions', ['user_id'])
    op.create_index('ix_auth_sessions_expires_at', 'auth_sessions', ['expires_at'])

    op.create_table(
        'refresh_tokens',
        sa.Column('jti', sa.String(length=64), nullable=False),
        sa.Column('family_id', sa.String(length=43), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('spent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['family_id'], ['auth_sessions.family_id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('jti'),
    )
    op.create_index('ix_refresh_tokens_family_id', 'refresh_tokens', ['family_id'])
    op.create_index('ix_refresh_tokens_user_id', 'refresh_tokens', ['user_id'])
    op.create_index('ix_refresh_tokens_expires_at', 'refresh_tokens', ['expires_at'])


def downgrade():
    op.drop_table('refresh_tokens')
    op.drop_table('auth_sessions')
    # Native DROP COLUMN (SQLite 3.35+): a batch would recreate users without its expression indexes.
    op.drop_column('users', 'token_version')
