"""Transport-neutral request/reply types shared by the dispatcher and every service's responses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    request_id: str

    def arg(self, name: str) -> str | None:
        """Last value of a query parameter (None when absent)."""
        values = [v for k, v in self.query if k == name]
        return values[-1] if values else None

    def json_body(self, invalid: Callable[[str], Exception], *, allow_empty: bool = False) -> Any:
        """Parse the body as JSON; `invalid(reason)` builds the service's own error."""
        if not self.body.strip():
            if allow_empty:
                return None
            raise invalid("the request body is empty")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise invalid(f"the request body is not valid JSON ({exc})") from None


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-serialisable; None means an empty body
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[SimRequest, dict[str, str]], Reply]


@dataclass(frozen=True)
class Route:
    """One cloud operation: method + path regex (named groups are path params) + call-count name."""

    method: str
    pattern: re.Pattern[str]
    name: str
    handler: str  # method name on the service's responses object
    # Several operations on one path told apart by the body's single top-level key (ECS
    # /cloudservers/action): body key -> route name. `name` counts bodies that name none of them.
    body_names: Mapping[str, str] = field(default_factory=dict)
    # Further call-count names the app may pick from the path (GET /v1/{project_id}/jobs/{job_id}
    # serves IMS and ECS jobs: an ECS job's id is counted as "ecs.show_job").
    aliases: tuple[str, ...] = ()

    def name_for(self, body: bytes) -> str:
        if not self.body_names:
            return self.name
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.name
        if isinstance(data, dict) and len(data) == 1:
            return self.body_names.get(next(iter(data)), self.name)
        return self.name

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.body_names.values(), *self.aliases)


def route(
    method: str,
    regex: str,
    name: str,
    handler: str,
    body_names: Mapping[str, str] | None = None,
    aliases: tuple[str, ...] = (),
) -> Route:
    return Route(method, re.compile(regex), name, handler, dict(body_names or {}), aliases)
