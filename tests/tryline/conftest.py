"""The tryline pages' tests: the staff fixtures (tests/helpers/pages.py)."""

from ..helpers.pages import PASSWORD, admin_client, caseworker, editor, make_staff, quick_hashes, sign_in, token  # noqa: F401
