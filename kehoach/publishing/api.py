"""Publishing API (staff): publications and their workflow."""

from ninja import Router

router = Router(tags=["publishing"])
