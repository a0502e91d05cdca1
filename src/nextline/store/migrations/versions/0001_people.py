"""People and their record versions.

Revision ID: 0001_people
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_people"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(80), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.UniqueConstraint("person_id", "version"),
    )
    op.create_index("ix_record_versions_person_id", "record_versions", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_record_versions_person_id", "record_versions")
    op.drop_table("record_versions")
    op.drop_table("people")
