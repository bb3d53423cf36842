"""The pages' style sheet and scripts (ours in ``static/``, YASGUI's from ``node_modules/``),
linked with a version in their address so that browsers keep them.

A page links ``/static/editor.js?v=<digest>``, the digest made from the file's bytes when it is
first linked; an address with ``v=`` is served ``immutable`` for a year, as a new file gets a new
address; one without it (typed or linked from elsewhere) is served ``no-cache`` (revalidated
by its ``ETag``). Hazard: a file changed while the server runs keeps its first digest until a
restart (the files ship with the code).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import cache
from os import PathLike
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

KEPT = "public, max-age=31536000, immutable"
REVALIDATED = "no-cache"


class AssetFiles(StaticFiles):
    """Static files whose answer is kept for a year when its address names a version (``v=``),
    else revalidated on every use."""

    def file_response(
        self, full_path: PathLike[str] | str, stat_result: os.stat_result, scope: Scope,
        status_code: int = 200,
    ) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = KEPT if versioned else REVALIDATED
        return response


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_address(folders: Mapping[str, Path], address: str) -> str:
    """``address`` (``/static/editor.js``) with the version of the file it names (``?v=…``);
    ``folders`` maps each served prefix to its folder. An address of no file is left as it is."""
    for prefix, folder in folders.items():
        if address.startswith(prefix + "/"):
            path = folder / address.removeprefix(prefix + "/")
            if path.is_file():
                return f"{address}?v={_digest(path)}"
    return address
