"""hardening-b: the second step of a sign-in, and passkey sign-in challenges bound to the name typed

Revision ID: 0011_hardening_b
Revises: 0010_projects
Create Date: 2026-12-06 10:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011_hardening_b'
down_revision = '0010_projects'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_second_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('nonce_hash'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_login_second_steps_user_id', 'login_second_steps', ['user_id'])
    op.create_index('ix_login_second_steps_expires_at', 'login_second_steps', ['expires_at'])
    op.add_column('webauthn_challenges', sa.Column('name_key', sa.String(length=64), nullable=True))


def downgrade():
    # Native DROP COLUMN (SQLite 3.35+): a batch would reflect and recreate the table.
    op.drop_column('webauthn_challenges', 'name_key')
    op.drop_index('ix_login_second_steps_expires_at', table_name='login_second_steps')
    op.drop_index('ix_login_second_steps_user_id', table_name='login_second_steps')
    op.drop_table('login_second_steps')
