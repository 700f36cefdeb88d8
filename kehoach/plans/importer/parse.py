"""Document -> draft plan: the JSON format of shared/plans/README.md, plus source lines.

Each part is read by its own module; this only puts the parts together, so the review screen,
`kehoach import-plan --json` and `kehoach eval-import` all see the same draft.
"""

from typing import Any

from .document import Document
from .header import parse_header
from .prose import parse_prose
from .reporting import parse_reporting
from .targets import parse_targets
from .tasks import parse_tasks


def parse_document(doc: Document) -> dict[str, Any]:
    """The draft of one plan document; every item carries the `source_line` it was read from."""
    header = parse_header(doc)
    year = header.get("year")
    draft: dict[str, Any] = {
        "title": header.get("title"),
        "issuer": header.get("issuer"),
        "number": header.get("number"),
        "date": header.get("date"),
        "year": year,
    }
    for optional in ("period", "implements"):
        if header.get(optional):
            draft[optional] = header[optional]
    # Purposes, requirements, objective, themes, funding, unit duties: kept as the plan words them.
    draft.update(parse_prose(doc))
    draft["targets"] = parse_targets(doc)
    draft["tasks"] = parse_tasks(doc, year=year if isinstance(year, int) else None)
    draft["reporting"] = parse_reporting(doc)
    return draft
