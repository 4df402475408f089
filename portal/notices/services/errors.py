"""The notices area's refusal: `NoticeError`, a `portal.domain.DomainError`.

Every service of the area (and `portal.terms.publishing`, which publishes through it) raises it
with a stable code, the form `field` the message belongs to, the clause and, for lead times,
the earliest acceptable date; `message` is the Japanese (or English) text from
`portal.notices.messages`, so `portal.web.transaction` can show it next to its field.
"""
from __future__ import annotations

from portal.domain import DomainError
from portal.notices.messages import error_message


class NoticeError(DomainError):
    """A refused notice, incident update or notification address.

    `count` is the limit a "too_many" refusal names (five addresses, §10(2)).
    """

    describe = staticmethod(error_message)

    def __init__(self, code: str, clause: str | None = "", *, count: int | None = None, **kw):
        super().__init__(code, clause, **kw)
        self.count = count
