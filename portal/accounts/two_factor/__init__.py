"""TOTP two-factor sign-in: set-up with a QR code, recovery codes, turning it off, and the
organization's setting that requires it for everyone (SPEC §3.6)."""
