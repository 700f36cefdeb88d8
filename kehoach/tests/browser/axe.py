"""Automated accessibility checks with axe-core (from the npm registry) in the browser tests.

`./dev setup` (and so `.ci/run`) installs axe-core into var/node, which git ignores. A missing
axe-core fails the test that asks for it, with the command that installs it: the accessibility
acceptance is never skipped silently.
"""

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[3]
AXE_JS = Path(
    os.environ.get("KEHOACH_AXE_JS", ROOT / "var" / "node" / "node_modules/axe-core/axe.min.js")
)
# WCAG 2.0/2.1 A and AA: what the issue asks for ("WCAG 2.1 AA basics"), plus axe's best practices
# for landmarks and headings.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_JS}). Install it from the npm registry with "
            "`./dev setup` (or: npm install --prefix var/node axe-core@4.14.1).",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_run(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now (after the page loaded)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the driver, not added as an inline <script>: the Content-Security-Policy
        # (script-src 'self') would refuse an inline script, as it should.
        page.evaluate(axe_source())
    result: dict[str, Any] = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return {violations: result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    html: n.html.slice(0, 300),
                    summary: n.failureSummary,
                })),
            }))};
        }""",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """The violations of impact "serious" or "critical" on the page."""
    return [v for v in axe_run(page) if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    - {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_no_serious_violations(page: Page, what: str | None = None) -> None:
    """Fail with every serious or critical violation listed (rule, help link, elements)."""
    violations = serious_violations(page)
    assert not violations, (
        f"axe-core: serious accessibility violations on {what or page.url}:\n"
        + describe(violations)
    )
