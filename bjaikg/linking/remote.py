"""Asking a remote SPARQL endpoint (the Wikidata query service, or a server playing it) politely.

Every request carries the descriptive User-Agent the Wikidata query service asks for, has a
time limit, and is retried a bounded number of times: on HTTP 429 and 503 after the server's
``Retry-After`` (seconds or an HTTP date, capped at :attr:`RemoteEndpoint.max_wait`), on
connection errors after a growing pause. Anything else is a :class:`RemoteError` with a
one-line message naming the endpoint.

Hazard: the public query service bans clients that ignore 429s; do not lower the retry pauses
below what ``Retry-After`` asks for, and keep batches small (:data:`BATCH_SIZE`).
"""

from __future__ import annotations

import contextlib
import time
import urllib.error
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from bjaikg import __version__
from bjaikg.errors import BjaikgError

USER_AGENT = (
    f"bjaikg-linkcheck/{__version__} "
    "(Beijing AI Knowledge Graph link checker; https://w3id.org/bjaikg) SPARQLWrapper"
)
"""The User-Agent of every request: says what the client is and where it comes from."""

BATCH_SIZE = 40
"""Items asked for in one query (a VALUES block); small enough for WDQS's 60-second limit."""

RETRY_STATUSES = (429, 503)


class RemoteError(BjaikgError):
    """A remote endpoint could not be asked (unreachable, refused, broken answer)."""


@dataclass
class RemoteEndpoint:
    """A SPARQL endpoint asked with SELECT queries, results as lists of dicts of strings."""

    url: str
    timeout: float = 60.0
    attempts: int = 4
    max_wait: float = 120.0

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT and return its rows (variable name to the value of the bound term)."""
        document = self._ask(query)
        try:
            bindings = document["results"]["bindings"]
            return [{name: term["value"] for name, term in row.items()} for row in bindings]
        except (KeyError, TypeError):
            raise RemoteError(f"{self.url}: answer is not SPARQL JSON results") from None

    def _ask(self, query: str) -> dict[str, Any]:
        client = SPARQLWrapper(self.url, agent=USER_AGENT)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        client.setTimeout(int(self.timeout))
        for attempt in range(1, self.attempts + 1):
            try:
                result = client.queryAndConvert()
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES or attempt == self.attempts:
                    raise RemoteError(f"{self.url}: HTTP {error.code} {error.reason}") from None
                time.sleep(self.retry_pause(error.headers.get("Retry-After"), attempt))
                continue
            except urllib.error.URLError as error:
                if attempt == self.attempts:
                    raise RemoteError(f"{self.url}: unreachable ({error.reason})") from None
                time.sleep(self.retry_pause(None, attempt))
                continue
            except (SPARQLWrapperException, OSError, ValueError) as error:
                first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
                raise RemoteError(f"{self.url}: {type(error).__name__} {first_line}") from None
            if not isinstance(result, dict):
                raise RemoteError(f"{self.url}: answer is not SPARQL JSON results")
            return result
        raise RemoteError(f"{self.url}: no answer after {self.attempts} attempts")

    def retry_pause(self, retry_after: str | None, attempt: int) -> float:
        """Seconds to wait before the next attempt: ``Retry-After`` if given, else 2^attempt.

        ``Retry-After`` may be a number of seconds or an HTTP date; the pause is capped at
        :attr:`max_wait` and is never negative.
        """
        pause = float(2**attempt)
        if retry_after:
            text = retry_after.strip()
            if text.isdigit():
                pause = float(text)
            else:
                with contextlib.suppress(TypeError, ValueError):
                    pause = parsedate_to_datetime(text).timestamp() - time.time()
        return max(0.0, min(pause, self.max_wait))
