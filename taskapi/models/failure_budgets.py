"""Failure budgets: how many wrong secrets an account (or an unknown username) has used in each window."""

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model


class FailureBudget(Model):
    """One account's failures in its current window of ``period`` seconds (one row per limit)."""

    __tablename__ = "failure_budgets"

    # "user:<id>" for an account; "name:<sha256 of the lowercased name>" for a name nobody has.
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Epoch milliseconds when the window ends: ``period`` seconds after the failure that opened it.
    window_ends_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    failures: Mapped[int] = mapped_column(Integer)
