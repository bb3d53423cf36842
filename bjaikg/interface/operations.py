"""The named queries of ``queries/`` as REST operations (grlc/BASIL convention).

A variable ``?_name`` of a query is the operation's parameter ``name``; its kind, default and
how a value is bound are the query catalogue's (:class:`bjaikg.query_catalogue.Parameter`,
:meth:`bjaikg.query_catalogue.NamedQuery.bind`). The handler gives the bound query to the
endpoint (:meth:`bjaikg.endpoint.state.EndpointState.answer`), so the server's deadline and
result bound apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from bjaikg.query_catalogue import NamedQuery, Parameter


@dataclass(frozen=True)
class Operation:
    """A named query offered as ``GET /api/queries/<name>``."""

    query: NamedQuery

    @property
    def name(self) -> str:
        """The query's name (its file stem)."""
        return self.query.name

    @property
    def path(self) -> str:
        """The operation's URL path."""
        return f"/api/queries/{self.name}"

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The query's parameters."""
        return self.query.parameters

    def describe(self, root_path: str = "") -> dict[str, object]:
        """The operation as the JSON of ``/api/queries`` lists it, its path under ``root_path``
        (the prefix the server is published under)."""
        return {
            "name": self.name,
            "operation": root_path + self.path,
            "title": {"en": self.query.title("en"), "zh": self.query.title("zh")},
            "description": {
                "en": self.query.description("en"),
                "zh": self.query.description("zh"),
            },
            "tags": list(self.query.tags),
            "parameters": [
                {
                    "name": parameter.name,
                    "type": parameter.kind,
                    "default": parameter.default,
                    "required": parameter.required,
                }
                for parameter in self.parameters
            ],
        }
