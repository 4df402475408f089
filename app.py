"""Entry point for `flask` and WSGI servers: the only place that builds the app."""
from portal import create_app

app = create_app()
