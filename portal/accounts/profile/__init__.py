"""The signed-in user's own account page: name, email address (confirmed by a link) and
password."""
