"""Each person's dashboard page as last drawn, per viewer, so every server process (and the
next start) answers a first view with one read instead of drawing it. See
`nextline.store.views.PageRows`.

Revision ID: 0006_dashboard_pages
Revises: 0005_dashboard_views
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_dashboard_pages"
down_revision = "0005_dashboard_views"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_pages",
        sa.Column("person_id", sa.String(80), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("viewer", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("trials", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("page", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dashboard_pages")
