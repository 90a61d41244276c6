"""Tests against real services: PostgreSQL, Redis and Celery worker subprocesses."""
