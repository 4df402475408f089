"""The one base class of the refusals a page shows: `DomainError`.

A service raises a subclass (`AccountError`, `ContractError`, `LifecycleError`, …) when the
terms or the state of the data refuse an action. The error carries a stable `code`, the
`clause` of the terms behind it (e.g. "§14(3)"), the form `field` it belongs to when there is
one, the `earliest` acceptable date when the rule gives one, and `details` for the message.
`message` is the translated text: each subclass names its area's translator in `describe`
(a function of the error, usually in the area's `messages` module), so views never map codes
themselves. `portal.web.transaction` puts the message next to its field or flashes it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date


def _code_only(exc: "DomainError") -> str:
    return exc.code


class DomainError(Exception):
    """A refusal with a code, the clause behind it and where on the form it belongs."""

    describe: Callable[["DomainError"], str] = staticmethod(_code_only)

    def __init__(self, code: str, clause: str | None = "", *, earliest: date | None = None,
                 field: str | None = None, **details):
        super().__init__(code)
        self.code = code
        self.clause = clause or ""
        self.earliest = earliest
        self.field = field
        self.details = details

    @property
    def message(self) -> str:
        """The translated text for the current request's language."""
        return str(type(self).describe(self))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code} {self.clause}>"


class ClientInfo:
    """Where a request came from (address and user agent); recorded with sessions and audit
    events. Services take it as a parameter; `portal.web.client_info()` builds it from the
    request, the CLI and the daily job pass `ClientInfo()`."""

    __slots__ = ("ip_address", "user_agent")

    def __init__(self, ip_address: str = "", user_agent: str = ""):
        self.ip_address = ip_address
        self.user_agent = user_agent

    def __eq__(self, other) -> bool:
        return (isinstance(other, ClientInfo) and self.ip_address == other.ip_address
                and self.user_agent == other.user_agent)

    def __hash__(self) -> int:
        return hash((self.ip_address, self.user_agent))

    def __repr__(self) -> str:
        return f"ClientInfo(ip_address={self.ip_address!r}, user_agent={self.user_agent!r})"
