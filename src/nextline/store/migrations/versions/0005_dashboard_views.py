"""Each person's dashboard as last computed, so every server process (and the next start)
reads it with one query instead of computing it again. See `nextline.store.views`.

Revision ID: 0005_dashboard_views
Revises: 0004_totp_state
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_dashboard_views"
down_revision = "0004_totp_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_views",
        sa.Column("person_id", sa.String(80), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dashboard_views")
