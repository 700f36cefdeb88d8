"""Settings for the test suite: the production settings with a throwaway secret, plain HTTP."""

import os
import tempfile
from pathlib import Path

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

# Tests flush tables between TransactionTestCase tests; these backends let the flush through the
# audit trail's triggers (kehoach/audit/flushable), and differ in nothing else.
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "django.db.backends.sqlite3": "kehoach.audit.flushable.sqlite3",
    "django.db.backends.postgresql": "kehoach.audit.flushable.postgresql",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405

# Uploads of a test run go to a throwaway folder, not into var/media; worker processes started by
# the tests inherit the variable and so see the same files.
if "KEHOACH_TEST_MEDIA_ROOT" not in os.environ:
    os.environ["KEHOACH_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kehoach-test-media-")
MEDIA_ROOT = Path(os.environ["KEHOACH_TEST_MEDIA_ROOT"])
