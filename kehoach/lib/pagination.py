"""The API's page-number pagination: ninja's, with the page number bounded.

ninja accepts any page number, and a huge one (page=10**30) makes an OFFSET the database cannot
hold: "datatype mismatch" on SQLite, "bigint out of range" on PostgreSQL, a server error either
way. Beyond MAX_PAGE the answer is a 422 like any other invalid parameter.
"""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

MAX_PAGE = 1_000_000  # times the largest page size, still far inside any database's integers


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
