"""Third-party extension objects, created unbound and bound to the app in create_app()."""

from typing import TYPE_CHECKING, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from taskapi.db.request_session import RequestSession


class Base(DeclarativeBase):
    """Declarative base shared by every model."""

    if TYPE_CHECKING:
        __table__: ClassVar[Table]  # every model maps one table, never another selectable


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})

# db.Model is made at run time, so a type checker cannot see it as a class: models subclass Model,
# which it reads as the typed declarative base that db.Model extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
