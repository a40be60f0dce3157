"""Third-party extension objects, created unbound and bound to the app in create_app()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from taskapi.db.request_session import RequestSession


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})
