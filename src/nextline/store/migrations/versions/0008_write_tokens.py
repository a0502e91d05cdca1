"""The submissions already stored, per person: a form's page token or an API client's
`Idempotency-Key`, with the version it made, so a post sent twice (a double click, a retry
after a timeout) stores one change, while two equal entries sent on purpose from two pages
are both kept. See `nextline.store.records.Once`.

Revision ID: 0008_write_tokens
Revises: 0007_people_search_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_write_tokens"
down_revision = "0007_people_search_name"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "write_tokens",
        sa.Column("person_id", sa.String(80), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("token", sa.String(128), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("write_tokens")
