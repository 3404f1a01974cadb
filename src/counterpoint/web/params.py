"""Query-parameter parsing shared by the pages and the API: bad input is a 400 with a message."""

from __future__ import annotations

import re
from datetime import date

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from counterpoint.store.web import Filters, Page

__all__ = ["BadRequest", "Filters", "Page", "filters_param", "page_param"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
MAX_QUERY_CHARS = 500
_ID = re.compile(r"[0-9a-f]{16}")


class BadRequest(HTTPException):
    """A malformed query parameter; the message says which and what is allowed."""

    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


def int_param(params: QueryParams, name: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter within [lo, hi], or ``default`` when absent or empty."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number between {lo} and {hi}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"{name} must be between {lo} and {hi} (got {value})")
    return value


def str_param(params: QueryParams, name: str, max_chars: int = 200) -> str | None:
    """A text parameter, stripped; None when absent or blank."""
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_chars:
        raise BadRequest(f"{name} is too long ({len(raw)} characters; at most {max_chars})")
    return raw.strip()


def date_param(params: QueryParams, name: str) -> str | None:
    """A YYYY-MM-DD day, or None when absent or blank."""
    raw = str_param(params, name, 10)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw).isoformat() if len(raw) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> str:
    raise BadRequest(f"{name} must be a date written YYYY-MM-DD")


def is_id(value: str) -> bool:
    """Whether ``value`` has the shape of a Counterpoint content id (16 hex digits)."""
    return bool(_ID.fullmatch(value))


def page_param(params: QueryParams, default_limit: int = DEFAULT_LIMIT) -> Page:
    return Page(
        int_param(params, "limit", default_limit, 1, MAX_LIMIT),
        int_param(params, "offset", 0, 0, MAX_OFFSET),
    )


def filters_param(params: QueryParams) -> Filters:
    f = Filters(
        q=str_param(params, "q", MAX_QUERY_CHARS),
        outlet=str_param(params, "outlet"),
        date_from=date_param(params, "from"),
        date_to=date_param(params, "to"),
        entity=str_param(params, "entity", 16),
    )
    if f.entity is not None and not is_id(f.entity):
        raise BadRequest("entity must be an entity id (16 hex digits)")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise BadRequest("from must not be after to")
    return f
