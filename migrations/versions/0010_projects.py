"""projects: shared projects and their members

Revision ID: 0010_projects
Revises: 0009_passkeys
Create Date: 2026-12-06 10:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_projects'
down_revision = '0009_passkeys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'project_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name='ck_project_members_role'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_project_members_user', 'project_members', ['user_id', 'project_id'])
    op.create_index('uq_project_members_project_user', 'project_members', ['project_id', 'user_id'], unique=True)


def downgrade():
    op.drop_index('uq_project_members_project_user', table_name='project_members')
    op.drop_index('ix_project_members_user', table_name='project_members')
    op.drop_table('project_members')
    op.drop_table('projects')
