"""email change by confirmation: account tokens get the purpose email_change

Revision ID: 0008_email_change
Revises: 0007_security_center
Create Date: 2026-11-29 10:00:00

"""
from alembic import op

revision = '0008_email_change'
down_revision = '0007_security_center'
branch_labels = None
depends_on = None

OLD = "purpose IN ('verify_email', 'password_reset')"
NEW = "purpose IN ('verify_email', 'password_reset', 'email_change')"
# resolve_fks=False: copy account_tokens without reflecting users, whose expression indexes
# SQLAlchemy cannot reflect (and would warn about, though nothing touches them)
ONLY_THIS_TABLE = {"resolve_fks": False}


def upgrade():
    # batch mode: SQLite cannot alter a CHECK constraint in place (it copies the table; no expression indexes here)
    with op.batch_alter_table('account_tokens', reflect_kwargs=ONLY_THIS_TABLE) as batch:
        batch.drop_constraint('ck_account_tokens_purpose', type_='check')
        batch.create_check_constraint('ck_account_tokens_purpose', NEW)


def downgrade():
    op.execute("DELETE FROM account_tokens WHERE purpose = 'email_change'")
    with op.batch_alter_table('account_tokens', reflect_kwargs=ONLY_THIS_TABLE) as batch:
        batch.drop_constraint('ck_account_tokens_purpose', type_='check')
        batch.create_check_constraint('ck_account_tokens_purpose', OLD)
