"""`ApplicationError`, the refusals of applications (re-exported by `services`)."""
from __future__ import annotations

from portal.applications.messages import error_message
from portal.domain import DomainError


class ApplicationError(DomainError):
    """A refused application or decision. `code` for the view, `field` the form field it
    concerns, `clause` cited, `reasons` for §31(5) (the address problem codes of
    `rules.residency`) or an approval (Japanese texts)."""

    describe = staticmethod(error_message)

    def __init__(self, code: str, *, field: str = "", clause: str = "",
                 reasons: list[str] | None = None):
        super().__init__(code, clause, field=field or None)
        self.reasons = reasons or []
