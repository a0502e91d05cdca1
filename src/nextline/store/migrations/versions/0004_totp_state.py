"""TOTP state per account: a secret waiting for its first code, and the step of the last
accepted code (a code is accepted once). See `nextline.accounts.totp`.

Revision ID: 0004_totp_state
Revises: 0003_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_totp_state"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("totp_pending", sa.String(64)))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger()))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_pending")
