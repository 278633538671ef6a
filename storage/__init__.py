"""Persistence: models, engine and sessions, Alembic migrations."""
