"""Sign-in, sign-out and server-side sessions: the password step (with the growing delay of
`lockout`), the two-factor code step, new-device alerts (`devices`), password reset by email
(`resets`), and the user's own list of sessions. `sessions` wires Flask-Login."""
