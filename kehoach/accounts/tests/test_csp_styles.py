"""Styles come from our own files only: the policy says so, and no template would need more."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from kehoach.testing import KehoachTestCase

# A style attribute or a <style> element in a template would be blocked by style-src 'self'.
INLINE_STYLE = re.compile(r"""<style\b|\sstyle\s*=|["']style["']\s*:""", re.IGNORECASE)


class StrictStylePolicyTest(KehoachTestCase):
    def test_the_policy_allows_styles_from_our_own_files_only(self) -> None:
        for url in [reverse("accounts:login"), reverse("public:home")]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Content-Security-Policy"]
                directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
                assert directives["style-src"] == ["'self'"]

    def test_no_template_or_form_widget_carries_an_inline_style(self) -> None:
        package = Path(settings.BASE_DIR)
        sources = [*package.rglob("templates/**/*.html"), *package.rglob("forms.py")]
        offenders = [
            f"{path.relative_to(package)}:{number}"
            for path in sources
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if INLINE_STYLE.search(line)
        ]
        assert offenders == []
