"""How the pages and the named-query API read their query parameters: one rule for every route
(docs/interface.md#parameters).

- A parameter a route reads, given twice, is a 400 naming it (``give each parameter once (q)``):
  which of two values was meant cannot be known. A parameter a page does not read is ignored
  (a link's tracking parameter); the named-query API refuses it (it reads them all).
- An empty value of an optional parameter (``format=``, ``lang=``, ``q=``: a form's empty
  field) counts as not given; an empty value of a parameter that must have one (a named
  query's, the knowledge diff's ``from`` and ``to``) is a 400 naming it, from the route.

A refusal is Starlette's :class:`~starlette.exceptions.HTTPException`, answered by Starlette as
one line of plain text, so a handler reads a parameter in one call wherever it needs it.
Hazard: the refusal is raised where the parameter is read; a handler that reads one only while
rendering would have sent nothing yet, which is the case here (pages read ``lang`` first).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.requests import Request

from bjaikg.errors import printable


def given_once(request: Request, names: Iterable[str] | None = None, context: str = "") -> None:
    """Refuse (400) a request that gives one of ``names`` (every parameter, for ``None``) more
    than once; the line starts with ``context`` (``district-places: ``)."""
    parameters = request.query_params
    repeated = sorted(
        {
            name
            for name in (parameters if names is None else names)
            if len(parameters.getlist(name)) > 1
        }
    )
    if repeated:
        message = f"{context}give each parameter once ({', '.join(repeated)})"
        raise HTTPException(400, printable(message) + "\n")


def optional(request: Request, name: str) -> str | None:
    """The value of the optional parameter ``name``: ``None`` when it is missing or empty;
    400 when it is given twice (:func:`given_once`)."""
    given_once(request, [name])
    return request.query_params.get(name) or None
