"""invitations: project invitations bound to an address, known by a token digest

Revision ID: 0013_invitations
Revises: 0012_project_tasks
Create Date: 2026-12-06 10:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013_invitations'
down_revision = '0012_project_tasks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('inviter_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'revoked')",
                           name='ck_project_invitations_status'),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name='ck_project_invitations_role'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['inviter_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_project_invitations_project_email', 'project_invitations', ['project_id', 'email'])
    op.create_index('ix_project_invitations_email', 'project_invitations', ['email'])


def downgrade():
    op.drop_index('ix_project_invitations_email', table_name='project_invitations')
    op.drop_index('ix_project_invitations_project_email', table_name='project_invitations')
    op.drop_table('project_invitations')
