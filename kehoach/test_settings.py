"""Settings for the test suite: the production settings with a throwaway secret, plain HTTP."""

import os

os.environ.setdefault("KEHOACH_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("KEHOACH_HTTPS", "0")

from kehoach.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
