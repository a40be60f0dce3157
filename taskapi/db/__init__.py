"""Persistence plumbing wired in the factory: engine options, SQLite tuning, per-run plans, write lock,
reconnection, migrations, and the unit of work of each request."""

from taskapi.db.custom_plans import install_custom_plans
from taskapi.db.engine import configure_database, install_sqlite_tuning
from taskapi.db.migrations import migrate
from taskapi.db.reconnect import install_reconnect
from taskapi.db.sqlite_writes import install_write_lock
from taskapi.db.unit_of_work import install_unit_of_work, settle_refusal


def init_db(app, db):
    """Configure the engine for ``app``, bind ``db`` and Flask-Migrate, and hook in the SQLite helpers."""
    configure_database(app)
    install_sqlite_tuning()
    install_custom_plans()
    install_write_lock()
    install_reconnect()
    install_unit_of_work()
    db.init_app(app)
    app.after_request(lambda response: settle_refusal(response, db.session))
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
