"""Open data API (no sign-in): the catalogue and the published datasets."""

from ninja import Router

router = Router(tags=["open data"])
