"""The organization's users as its admins manage them (`services`: list, roles, deactivation,
admin actions) and invitations, the one way a customer user gets an account (`invitations`)."""
