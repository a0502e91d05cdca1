"""The newest schema revision, in a module of its own so reading it imports nothing.

A test checks it against Alembic's own view of the migration scripts; keeping it here lets
every command skip importing Alembic (about 0.3 s) and, for the quick reading path
(`quick_read`), SQLAlchemy too, when the schema is current.
"""

HEAD_REVISION = "0008_write_tokens"
