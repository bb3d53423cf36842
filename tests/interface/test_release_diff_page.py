"""The knowledge diff page (``/releases/diff``) in-process, on the project's committed releases:
what it links, how it marks languages, what it says of a reversed pair, how a 400 shows a value.
"""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from bjaikg import PROJECT_ROOT
from bjaikg.interface.labels import local_address
from bjaikg.interface.pages import keep_language
from bjaikg.knowledge_diff import Entity, diff_snapshots
from bjaikg.snapshots import load_release

DIFF = "/releases/diff"
NEIGHBOURS = {"from": "1.23.1", "to": "1.23.3"}
"""Links gained and lost (bjo:familyMember → bj:tsingmicro-tx5368, bjo:issuedBy lost
bj:beijing-municipal-government), ``@en`` notes, entities named in English only."""
REVERSED = {"from": "1.23.4", "to": "1.19.0"}
"""Newer first: 21 entities "removed" that the newer release holds; their types in the
ontology (bjo:ChipSupport, bjo:WebPage) and outside it (owl:ObjectProperty)."""


def page(client: TestClient, versions: dict[str, str], language: str) -> str:
    answer = client.get(DIFF, params={**versions, "lang": language})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_terms_named_in_changes_and_types_link_to_their_pages(client: TestClient) -> None:
    text = page(client, NEIGHBOURS, "en")
    assert 'href="/id/tsingmicro-tx5368?lang=en"' in text  # a link gained
    assert 'href="/id/beijing-municipal-government?lang=en"' in text  # a link lost
    assert '<a href="/ontology?lang=en#familyMember"><code>bjo:familyMember</code></a>' in text
    assert "<code>skos:note</code>" in text and "#note" not in text  # another vocabulary's
    reversed_page = page(client, REVERSED, "zh")
    assert 'href="/ontology?lang=zh#ChipSupport"' in reversed_page  # the types column
    assert "owl:ObjectProperty" in reversed_page and "#ObjectProperty" not in reversed_page


def test_every_project_iri_the_diff_names_outside_blank_nodes_is_a_link(
    client: TestClient,
) -> None:
    diff = diff_snapshots(
        load_release(PROJECT_ROOT / "releases" / REVERSED["from"]),
        load_release(PROJECT_ROOT / "releases" / REVERSED["to"]),
    )
    named = {change.entity.iri for change in diff.added + diff.removed + diff.changed}
    for change in diff.added + diff.removed + diff.changed:
        named |= {value.iri for value in change.types if isinstance(value, Entity)}
        for item in change.changes:
            named.add(item.property)
            named |= {v.iri for v in item.old + item.new if isinstance(v, Entity)}
    addresses = {address for iri in named if (address := local_address(iri))}
    hrefs = set(re.findall(r'href="([^"]*)"', page(client, REVERSED, "en")))
    assert len(addresses) > 100
    assert (
        sorted(address for address in addresses if keep_language(address, "en") not in hrefs) == []
    )


def test_a_newer_release_first_is_said_in_one_line_and_the_diff_is_left_as_it_is(
    client: TestClient,
) -> None:
    english, chinese = page(client, REVERSED, "en"), page(client, REVERSED, "zh")
    assert "1.23.4 is newer than 1.19.0" in english
    assert "1.23.4 比 1.19.0 新" in chinese
    assert "is newer than" not in page(client, NEIGHBOURS, "en")
    assert '<h2 id="entities_removed">Entities removed</h2>' in english
    text = client.get(DIFF, params={**REVERSED, "format": "text"}).text
    assert text.startswith("knowledge diff 1.23.4 → 1.19.0\n0 entities added, 21 removed")
    assert "newer" not in text


def test_english_on_the_chinese_page_is_marked_english(client: TestClient) -> None:
    chinese = page(client, NEIGHBOURS, "zh")
    assert '<span lang="en">360Zhinao-7B</span>' in chinese  # a name in English only
    note = '<span lang="en">&#34;The article says the plan was released at the meeting '
    assert f'{note}<span lang="zh">北京市</span> held' in chinese  # an @en value, Chinese in it
    assert "「北京市政府」" in chinese  # Chinese on the Chinese page: nothing to mark
    english = page(client, NEIGHBOURS, "en")
    assert 'lang="en"' not in english.split("<main", 1)[1]
    assert '<span lang="zh">「北京市政府」</span>' in english


def test_a_control_character_in_a_version_is_shown_escaped(client: TestClient) -> None:
    answer = client.get(DIFF, params={"from": "1.23.3\x00\n", "to": "1.23.4"})
    assert answer.status_code == 400
    assert answer.text.startswith("from=1.23.3\\x00\\n: no such release; released: ")
    assert answer.text.count("\n") == 1 and "\x00" not in answer.text
