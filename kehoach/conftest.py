"""Suite-wide test wiring."""

from typing import Any

import pytest

from kehoach.audit.testing import AuditCheckingClient

# The permission-matrix modules: every request they make, allowed or refused, must leave each
# change it makes in the audit trail with the request's user (issue 8).
_MATRIX_MODULES = ("test_permissions", "test_permissions_public", "test_api_permissions")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        cls: Any = getattr(item, "cls", None)
        if module is None or cls is None:
            continue
        if module.__name__.rsplit(".", 1)[-1] in _MATRIX_MODULES and hasattr(cls, "client_class"):
            cls.client_class = AuditCheckingClient


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AuditCheckingClient.checked_writes:
        terminalreporter.write_line(
            f"audit trail: {AuditCheckingClient.checked_writes} requests of the permission "
            "matrix changed audited rows; each change was found in the trail with its user"
        )
