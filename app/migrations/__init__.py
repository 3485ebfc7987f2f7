"""Alembic migrations shipped inside the package and applied when a workspace opens."""
