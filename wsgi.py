"""WSGI entry point: ``gunicorn wsgi:app`` (config from the environment)."""

from taskapi import create_app

app = create_app()
