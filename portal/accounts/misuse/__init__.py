"""Credential misuse reports (§7(4)): the customer's report that contains the accounts at once,
the public form for someone locked out, and the staff's queue, verification and unlocking."""
