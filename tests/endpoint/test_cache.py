"""Answers cached: strong ETag, Cache-Control, If-None-Match → 304, If-Match → 412, and the
answers a worker keeps (bounded in bytes), on the real server and on :class:`AnswerCache` itself."""

from __future__ import annotations

import time

import httpx
import pytest

from bjaikg.endpoint import federation
from bjaikg.endpoint.cache import AnswerCache, Key
from bjaikg.endpoint.connection import AccessRecord, HttpResponse
from bjaikg.endpoint.evaluation import QueryAnswer, QueryRequest
from tests.endpoint.conftest import DATA
from tests.endpoint.test_access_log import logged
from tests.server_process import ServerProcess, running_server

pytestmark = pytest.mark.server

JSON = "application/sparql-results+json"


def cached(server: ServerProcess, marker: str, count: int) -> list[bool]:
    """Whether each of the ``count`` access-log lines mentioning ``marker`` says ``cached``."""
    deadline = time.monotonic() + 10
    while len(lines := logged(server, marker)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [" cached " in line for line in lines]


def test_a_get_answer_has_a_strong_etag_and_is_revalidated_with_304(
    http: httpx.Client, server: ServerProcess
) -> None:
    params = {"query": "SELECT ?s WHERE { ?s ?p ?revalidated } ORDER BY ?s"}
    first = http.get("/sparql", params=params, headers={"Accept": JSON})
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = http.get("/sparql", params=params, headers={"Accept": JSON, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = http.get(
        "/sparql", params=params, headers={"Accept": JSON, "If-None-Match": f"W/{etag}"}
    )
    assert weak.status_code == 304  # If-None-Match compares weakly
    csv = http.get("/sparql", params={**params, "format": "csv"}, headers={"If-None-Match": etag})
    assert csv.status_code == 200 and csv.headers["etag"] != etag
    assert cached(server, "?revalidated } ORDER BY", 4) == [False] * 4
    revalidated = [line for line in logged(server, "?revalidated }") if '" 304 ' in line]
    assert len(revalidated) == 2 and all(" unchanged " in line for line in revalidated)


def test_a_cached_answer_equals_a_fresh_one(http: httpx.Client, server: ServerProcess) -> None:
    params = {"query": "SELECT ?s ?o WHERE { ?s ?p ?o . ?s ?q ?kept } ORDER BY ?s ?o"}
    first = http.get("/sparql", params=params)
    again = http.get("/sparql", params=params)
    fresh = http.get("/sparql", params=params, headers={"Cache-Control": "no-cache"})
    assert first.status_code == again.status_code == fresh.status_code == 200
    assert first.content == again.content == fresh.content
    assert first.headers["etag"] == again.headers["etag"] == fresh.headers["etag"]
    assert cached(server, "?q ?kept", 3) == [False, True, False]


def test_a_kept_get_answer_is_sent_again_for_the_same_request_only(
    http: httpx.Client, server: ServerProcess
) -> None:
    params = {"query": "SELECT ?s WHERE { ?s ?p ?again } ORDER BY ?s"}
    first = http.get("/sparql", params=params, headers={"Accept": JSON})
    head = http.head("/sparql", params=params, headers={"Accept": JSON})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]
    assert head.headers["content-length"] == str(len(first.content))
    elsewhere = http.get("/sparql", params=params, headers={"Accept": JSON, "Host": "example.org"})
    assert elsewhere.status_code == 200  # another base IRI: another request, evaluated
    assert elsewhere.headers["etag"] != first.headers["etag"]
    posted = http.post("/sparql", data=params, headers={"Accept": JSON})
    assert posted.content == first.content and "etag" not in posted.headers
    assert cached(server, "?again } ORDER BY", 4) == [False, True, False, False]


NOT_OF_THE_DATA = (
    "SELECT (RAND() AS ?r) WHERE {}",
    "SELECT (NOW() AS ?t) WHERE {}",
    "SELECT (UUID() AS ?u) WHERE {}",
    "SELECT (STRUUID() AS ?u) WHERE {}",
    "SELECT (BNODE() AS ?b) WHERE {}",
    "SELECT (UUID # a comment\n() AS ?u) WHERE {}",
    'CONSTRUCT { [] <http://example.org/p> "x" } WHERE {}',
    'CONSTRUCT { _:b <http://example.org/p> "x" } WHERE {}',
    "CONSTRUCT { <http://example.org/s> <http://example.org/p> (1 2) } WHERE {}",
)
"""Queries whose answer changes from one evaluation to the next: a function's value, or blank
nodes a template makes anew (R4's findings 2 and 3, session 38: ``STRUUID``, a comment before
the bracket and the templates were kept and tagged)."""


@pytest.mark.parametrize("query", NOT_OF_THE_DATA)
def test_answers_that_are_not_a_function_of_the_data_get_no_etag(
    http: httpx.Client, query: str
) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 200 and "etag" not in response.headers


def test_a_run_of_hashes_after_a_functions_name_is_answered_at_once(http: httpx.Client) -> None:
    """The check for such functions runs before the deadline does: with comments read as
    ``(#[^\r\n]*)*`` 30 ``#`` after ``rand`` took 49 s and 40 would hold a worker for hours
    (R7's finding 1, session 38). A client that waits 20 s gets its answer."""
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # rand" + "#" * 40 + "x"
    response = http.get("/sparql", params={"query": query}, timeout=20.0)
    assert response.status_code == 200 and "etag" in response.headers


def test_a_construct_whose_blank_nodes_are_only_in_its_pattern_is_kept(http: httpx.Client) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p [] } LIMIT 1  # [] _: ( in a comment"
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 200 and response.headers["etag"].startswith('"')


def test_a_post_and_a_refusal_get_no_etag(http: httpx.Client) -> None:
    posted = http.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert posted.status_code == 200 and "etag" not in posted.headers
    refused = http.get("/sparql", params={"query": "SELECT"})
    assert refused.status_code == 400 and "etag" not in refused.headers


def test_a_query_naming_service_only_in_an_iri_or_comment_is_kept_and_checked_once(
    http: httpx.Client,
) -> None:
    """The project's own sd: prefix holds "service": such a query was parsed by rdflib on
    every request (about 40 times a lookup's cost) and never kept (a review, 2026-12-07)."""
    query = (
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\n"
        "ASK { ?s ?p ?o } # no SERVICE here"
    )
    first = http.get("/sparql", params={"query": query})
    assert first.status_code == 200 and "etag" in first.headers
    kept = http.get("/sparql", params={"query": query})
    assert kept.headers["etag"] == first.headers["etag"]
    checks = federation._kept_targets.cache_info()
    assert federation.service_targets(query) == []
    assert federation.service_targets(query) == []
    assert federation._kept_targets.cache_info().hits == checks.hits + 1


def test_the_cache_keeps_its_bound_and_drops_the_least_recently_used() -> None:
    """One worker that keeps at most 80 bytes: one ASK answer (with its query), not two."""
    arguments = ("--data", str(DATA), "--workers", "1", "--cache-size", "80")
    with running_server(*arguments, "--cache-max-age", "5") as server:
        first, second = "ASK { ?first ?p ?o }", "ASK { ?second ?p ?o }"
        for query in (first, second, first, first, second):
            response = httpx.get(server.sparql, params={"query": query}, timeout=10)
            assert response.headers["cache-control"] == "public, max-age=5"
        assert cached(server, "?first ?p ?o", 3) == [False, False, True]
        assert cached(server, "?second ?p ?o", 2) == [False, False]


def test_get_responses_and_answers_share_the_bound() -> None:
    """A GET response counts its body and query string, an answer its body and query."""
    cache = AnswerCache(400, "data")
    key = cache.key(QueryRequest(query="ASK { ?s ?p ?o }"))  # 16 characters
    assert key is not None
    request = (b"/sparql", b"query=" + b"x" * 94, None, b"host", "http", "")
    record = AccessRecord("sparql", 0.0, "results=1 cached")
    cache.keep_response(request, HttpResponse(200, [], b"y" * 100, record))
    cache.put(key, answer(100))
    assert cache.bytes == 200 + 116 and len(cache) == 2
    assert cache.response(request) is not None and cache.get(key) is not None
    cache.put(key_for("ASK { ?t ?p ?o }"), answer(100))
    assert cache.response(request) is None and cache.get(key) is not None  # the oldest left
    cache.keep_response((*request[:1], b"query=y", *request[2:]), HttpResponse(404))
    assert cache.bytes == 232 and len(cache) == 2  # only 200 answers are kept


def answer(size: int) -> QueryAnswer:
    return QueryAnswer(200, "text/plain", b"x" * size)


def key_for(query: str) -> Key:
    """The cache key of ``query`` asked by GET (one the cache keeps: not ``None``)."""
    key = AnswerCache.key(QueryRequest(query=query))
    assert key is not None
    return key


def test_answer_cache_bound_in_bytes() -> None:
    cache = AnswerCache(300, "data")
    keys = [key_for(f"ASK {{ ?s{n} ?p ?o }}") for n in range(4)]
    for key in keys[:2]:
        cache.put(key, answer(100))
    assert cache.get(keys[0]) is not None  # now the most recently used
    cache.put(keys[2], answer(100))
    assert cache.bytes <= 300 and len(cache) == 2
    assert cache.get(keys[1]) is None and cache.get(keys[0]) is not None
    cache.put(keys[3], answer(400))  # larger than the bound: not kept
    assert cache.get(keys[3]) is None and cache.bytes <= 300
    cache.put(keys[3], QueryAnswer(400, "text/plain", b"no"))
    assert cache.get(keys[3]) is None
    assert AnswerCache.key(QueryRequest(query="SELECT * { SERVICE <x:y> { ?s ?p ?o } }")) is None
    assert cache.etag(keys[0]) != AnswerCache(300, "other data").etag(keys[0])


def test_pages_api_and_description_carry_validators_and_are_revalidated(
    http: httpx.Client,
) -> None:
    for path, accept in (
        ("/id/test-district", "text/html"),
        ("/id/test-district", "text/turtle"),
        ("/ontology", "text/html"),
        ("/api/queries", "application/json"),
        ("/graphs", "application/json"),
        ("/sparql", "text/turtle"),  # the service description
    ):
        first = http.get(path, headers={"Accept": accept})
        etag = first.headers["etag"]
        assert first.status_code == 200 and etag.startswith('"'), path
        assert first.headers["cache-control"] == "public, max-age=60", path
        again = http.get(path, headers={"Accept": accept, "If-None-Match": etag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag), path
        two_lines = [("Accept", accept), ("If-None-Match", '"other"'), ("If-None-Match", etag)]
        assert http.get(path, headers=two_lines).status_code == 304, path  # one list (RFC 9110)
        head = http.head(path, headers={"Accept": accept})
        assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag), path
    html, turtle = (
        http.get("/id/test-district", headers={"Accept": a}) for a in ("text/html", "text/turtle")
    )
    assert html.headers["etag"] != turtle.headers["etag"]
    for path in ("/health", "/metrics"):  # the server's state, not the data's
        response = http.get(path)
        assert response.headers["cache-control"] == "no-store" and "etag" not in response.headers


def test_a_dump_has_one_strong_tag_per_content_coding(http: httpx.Client) -> None:
    plain = http.get("/dump.ttl", headers={"Accept-Encoding": "identity"})
    zipped = http.get("/dump.ttl", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert plain.headers["etag"] != zipped.headers["etag"]
    assert plain.headers["cache-control"] == zipped.headers["cache-control"] == "public, max-age=60"
    crossed = {"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
    assert http.get("/dump.ttl", headers=crossed).status_code == 200
    same = {"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]}
    assert http.get("/dump.ttl", headers=same).status_code == 304


def test_if_none_match_star_does_not_hide_an_error_of_a_query(http: httpx.Client) -> None:
    star = {"If-None-Match": "*"}
    assert http.get("/sparql", params={"query": "SELEC"}, headers=star).status_code == 400
    bad_format = {"query": "ASK {}", "format": "bogus"}
    assert http.get("/sparql", params=bad_format, headers=star).status_code == 406
    assert http.get("/sparql", params={"query": "ASK {}"}, headers=star).status_code == 200


def test_if_match_naming_none_of_the_answers_strong_tags_gets_412(http: httpx.Client) -> None:
    """RFC 9110 §13.1.1, everywhere ``If-None-Match`` is honoured (a ``/sparql`` query, the
    service description, the Graph Store, a page, a dump): ``If-Match`` with the answer's tag,
    in a list or alone, or ``*``, answers as usual; another tag, or the weak form of the
    answer's (the strong comparison), gets 412, before ``If-None-Match`` (§13.2.2) and never
    cacheable. A query answer without a tag (``NOW()``), ``/health`` and ``/metrics`` match no
    tag. ``If-Match`` was ignored (200)."""
    query = {"query": "SELECT ?s WHERE { ?s ?p ?matched } ORDER BY ?s"}
    for path, params, headers in (
        ("/sparql", query, {"Accept": JSON}),
        ("/sparql", {}, {"Accept": "text/turtle"}),
        ("/rdf-graph-store", {"default": ""}, {"Accept": "text/turtle"}),
        ("/id/test-district", {}, {"Accept": "text/html"}),
        ("/dump.nt", {}, {"Accept-Encoding": "identity"}),
    ):
        first = http.get(path, params=params, headers=headers)
        etag = first.headers["etag"]
        for if_match in (etag, f'"other", {etag}', "*"):
            same = http.get(path, params=params, headers={**headers, "If-Match": if_match})
            assert (same.status_code, same.content) == (200, first.content), (path, if_match)
        for conditions in (
            {"If-Match": '"other"'},
            {"If-Match": f"W/{etag}", "If-None-Match": etag},
        ):
            for method in ("GET", "HEAD"):
                asked = {**headers, **conditions}
                refused = http.request(method, path, params=params, headers=asked)
                assert refused.status_code == 412, (path, conditions, method)
                assert "cache-control" not in refused.headers and "etag" not in refused.headers
                assert method == "HEAD" or b"If-Match names no entity tag" in refused.content
    untagged = {"query": "SELECT (NOW() AS ?now) {}"}
    assert http.get("/sparql", params=untagged, headers={"If-Match": "*"}).status_code == 200
    assert http.get("/sparql", params=untagged, headers={"If-Match": '"x"'}).status_code == 412
    for path in ("/health", "/metrics"):  # the server's state, no-store: no tag (were 200)
        assert http.get(path, headers={"If-Match": "*"}).status_code == 200
        refused = http.get(path, headers={"If-Match": '"x"'})
        assert refused.status_code == 412 and "cache-control" not in refused.headers, path
