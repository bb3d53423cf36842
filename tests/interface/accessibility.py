"""Basic accessibility checks of one HTML page (used by the validity tests): the page's and
the parts' languages, a title, a label for every form field, a name for every picture."""

from __future__ import annotations

import re
from html.parser import HTMLParser

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


class AccessibilityCheck(HTMLParser):
    """Collects what the basic checks need while parsing one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_language = ""
        self.title = ""
        self.labels: set[str] = set()
        self.fields: list[dict[str, str]] = []
        self.images: list[dict[str, str]] = []
        self.unmarked_chinese: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.in_title = False
        self.in_script = False
        self.in_textarea = False

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attributes}
        if tag == "html":
            self.html_language = values.get("lang", "")
        if tag == "label" and "for" in values:
            self.labels.add(values["for"])
        if tag in ("input", "textarea", "select") and values.get("type") not in (
            "hidden",
            "submit",
        ):
            self.fields.append(values)
        if tag in ("img", "svg"):
            self.images.append({"tag": tag, **values})
        self.in_title = tag == "title" and not any(name == "svg" for name, _ in self.stack)
        self.in_script = tag == "script"
        self.in_textarea = tag == "textarea"
        if tag not in ("input", "meta", "link", "br", "img", "rect", "path"):
            language = values.get("lang", self.stack[-1][1] if self.stack else "")
            self.stack.append((tag, language))

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                break
        self.in_title = self.in_script = self.in_textarea = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        language = self.stack[-1][1] if self.stack else ""
        # A <title> or a <textarea> (a query in the plain form) cannot mark its parts; it takes
        # the page's language.
        if (
            not self.in_script
            and not self.in_title
            and not self.in_textarea
            and CJK.search(data)
            # Chinese, or Japanese written with the same characters (a quote tagged @ja)
            and not language.startswith(("zh", "ja"))
        ):
            self.unmarked_chinese.append(data.strip())


def accessibility_problems(html: str, expected_language: str) -> list[str]:
    """What is wrong with ``html`` (empty when nothing): ``<html lang>`` other than
    ``expected_language``, no title, unlabelled fields, unnamed pictures, and Chinese text
    outside an element marked ``lang="zh"`` (or ``lang="ja"`` for a Japanese quote)."""
    check = AccessibilityCheck()
    check.feed(html)
    problems = []
    if check.html_language != expected_language:
        problems.append(f"<html lang={check.html_language!r}>, expected {expected_language!r}")
    if not check.title.strip():
        problems.append("no <title>")
    problems += [
        f"form field without a label: {field}"
        for field in check.fields
        if field.get("id") not in check.labels and not field.get("aria-label")
    ]
    for image in check.images:
        if image["tag"] == "img" and image.get("alt") is None:
            problems.append(f"<img> without alt: {image}")
        if image["tag"] == "svg" and not (
            image.get("role") == "img" and (image.get("aria-label") or image.get("aria-labelledby"))
        ):
            problems.append(f"<svg> without role=img and a name: {image}")
    problems += [f"Chinese text not marked lang=zh: {text!r}" for text in check.unmarked_chinese]
    return problems
