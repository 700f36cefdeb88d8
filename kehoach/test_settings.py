"""Settings for the test suite: the production settings with a throwaway secret, plain HTTP."""

import os

os.environ.setdefault("KEHOACH_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("KEHOACH_HTTPS", "0")

from kehoach.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

# The worker runs in a separate process during tests, so the SQLite test database lives in a file
# it can open (an in-memory database would be invisible to it).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so that parallel runs never share (and lock) a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-kehoach-{os.getpid()}.sqlite3")  # noqa: F405
    }
