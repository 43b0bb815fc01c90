"""Registers the shell's own views on its blueprint: sign-in, the home page, accounts, the audit trail.
Each capability registers its own pages (its `init_pages`)."""

from . import account_views, auth_views, reauth, signin  # noqa: F401
