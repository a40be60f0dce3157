"""access tokens: personal access tokens, stored as keyed hashes

Revision ID: 0014_access_tokens
Revises: 0013_invitations
Create Date: 2026-12-06 10:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_access_tokens'
down_revision = '0013_invitations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'access_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('last_four', sa.String(length=4), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_ip', sa.String(length=45), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('uq_access_tokens_public_id', 'access_tokens', ['public_id'], unique=True)
    op.create_index('uq_access_tokens_user_name', 'access_tokens', ['user_id', 'name'], unique=True)
    op.create_index('ix_access_tokens_project_id', 'access_tokens', ['project_id'])
    op.create_index('ix_access_tokens_expires_at', 'access_tokens', ['expires_at'])


def downgrade():
    op.drop_index('ix_access_tokens_expires_at', table_name='access_tokens')
    op.drop_index('ix_access_tokens_project_id', table_name='access_tokens')
    op.drop_index('uq_access_tokens_user_name', table_name='access_tokens')
    op.drop_index('uq_access_tokens_public_id', table_name='access_tokens')
    op.drop_table('access_tokens')
