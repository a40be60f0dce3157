"""Flask-Migrate bound on first use, so Alembic (about 12 MB) never loads in a serving worker.

``Migrate.init_app`` imports Flask-Migrate's command group and with it Alembic. A gunicorn
worker never migrates, so the app gets a placeholder in ``app.extensions["migrate"]`` and a
``flask db`` group that imports the real ones when a migration command or call needs them.
"""

import os

import click

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              "migrations")


class DeferredMigrate:
    """Drop-in for ``flask_migrate.Migrate`` whose binding happens at the first migration call."""

    def init_app(self, app, db, **options):
        """Register the placeholder and the lazy ``flask db`` group."""
        options.setdefault("directory", MIGRATIONS_DIR)
        app.extensions["migrate"] = PendingMigrate(app, db, options)
        app.cli.add_command(MigrateCommands(name="db", help="Perform database migrations."))


class PendingMigrate:
    """Stands in ``app.extensions["migrate"]`` until Flask-Migrate's helpers read it."""

    def __init__(self, app, db, options):
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name):
        # Migrate(...) replaces this object in app.extensions with its own config, and the
        # `db` command group in app.cli with the real one.
        from flask_migrate import Migrate

        Migrate(self._app, self._db, **self._options)
        return getattr(self._app.extensions["migrate"], name)


class MigrateCommands(click.Group):
    """``flask db``: hands the command line to Flask-Migrate's group, imported only then."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)


migrate = DeferredMigrate()
