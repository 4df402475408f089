"""The customer portal. `create_app` (built in `portal.factory`) is the one way to get the
Flask app; `app.py` and the tests are its callers.

The factory is imported only when an app is built, so `import portal.rules` (pure functions,
used without Flask by the rule tests) does not load Flask and every area.
"""
from __future__ import annotations


def create_app(config: str | None = None, **overrides):
    """Build the app (see `portal.factory.create_app`)."""
    from portal.factory import create_app as build  # deferred on purpose: see the docstring

    return build(config, **overrides)
