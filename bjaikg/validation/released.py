"""The rule ``quality.released-iri-vanished``: a released IRI never disappears silently.

Every IRI of the project's namespaces (``bj:`` resources, ``bjo:`` terms) that is the subject
of a statement in a release must still be the subject of one in the data — kept, or kept as a
deprecated IRI (``owl:deprecated true`` with ``dcterms:isReplacedBy``, docs/releases.md). The
release compared with is the newest folder of ``releases/`` when the project itself is
validated, or the one given (``validate.py --release DIR``).

Hazard: validating a few files against a whole release reports every IRI those files do not
state; give ``--release`` only with the whole data.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from bjaikg import PROJECT_ROOT
from bjaikg.namespaces import BJ, BJG, BJO
from bjaikg.snapshots import load_release
from bjaikg.validation.finding import Finding, Severity
from bjaikg.validation.inputs import LoadedInput
from bjaikg.versioning import latest_release

RULE = "quality.released-iri-vanished"
KEPT_NAMESPACES = (str(BJ), str(BJO), "https://w3id.org/bjaikg/ontology")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def default_release(root: Path = PROJECT_ROOT) -> Path | None:
    """The newest release folder of ``root/releases``, or ``None``."""
    newest = latest_release(root / "releases")
    return newest[1] if newest else None


def vanished_iris(loaded: LoadedInput, release: Path) -> list[Finding]:
    """One finding per IRI stated in ``release`` and no longer the subject of any statement."""
    snapshot = load_release(release)
    released: dict[str, tuple[str, str]] = {}  # IRI -> (graph it was in, English label)
    for quad in snapshot.asserted():
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(KEPT_NAMESPACES):
            graph, label = released.get(subject.value, ("", ""))
            if not graph and isinstance(quad.graph_name, ox.NamedNode):
                graph = quad.graph_name.value.removeprefix(str(BJG))
            obj = quad.object
            if quad.predicate == LABEL and isinstance(obj, ox.Literal) and obj.language == "en":
                label = obj.value
            released[subject.value] = (graph, label)
    present = {
        quad.subject.value
        for quad in loaded.store.quads_for_pattern(None, None, None)
        if isinstance(quad.subject, ox.NamedNode)
    }
    findings = []
    for iri in sorted(set(released) - present):
        graph, label = released[iri]
        findings.append(
            Finding(
                check="quality",
                rule=RULE,
                severity=Severity.VIOLATION,
                message=f"An IRI of release {release.name} is gone (it was in {graph}.ttl); "
                "links to it would break.",
                message_zh=f"发布版本 {release.name} 中的 IRI 已消失（原在 {graph}.ttl），"
                "指向它的链接将失效。",
                hint="keep it with owl:deprecated true and dcterms:isReplacedBy its successor "
                "(docs/releases.md), or restore it",
                focus=f"<{iri}>",
                focus_label=label,
            )
        )
    return findings
