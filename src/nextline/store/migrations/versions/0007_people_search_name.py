"""Each person's name as the people search compares it (any case, no accents), kept beside
the name, so PostgreSQL finds "Núñez" from "nunez" as SQLite did, and neither database
calls a function on every row of a search.

Revision ID: 0007_people_search_name
Revises: 0006_dashboard_pages
"""

import sqlalchemy as sa
from alembic import op

from nextline.store.engine import fold_text

revision = "0007_people_search_name"
down_revision = "0006_dashboard_pages"
branch_labels = None
depends_on = None

BATCH = 1000  # people updated per statement


def upgrade() -> None:
    with op.batch_alter_table("people") as table:
        table.add_column(sa.Column("search_name", sa.Text(), nullable=False, server_default=""))
    people = sa.table(
        "people", sa.column("id", sa.String()), sa.column("name"), sa.column("search_name")
    )
    connection = op.get_bind()
    named = connection.execute(
        sa.select(people.c.id, people.c.name).where(people.c.name.is_not(None))
    ).all()
    update = (
        sa.update(people)
        .where(people.c.id == sa.bindparam("person"))
        .values(search_name=sa.bindparam("folded"))
    )
    for start in range(0, len(named), BATCH):
        rows = named[start : start + BATCH]
        connection.execute(update, [{"person": i, "folded": fold_text(n)} for i, n in rows])


def downgrade() -> None:
    with op.batch_alter_table("people") as table:
        table.drop_column("search_name")
