"""Chinese text: which characters the graph counts as Chinese.

Pages mark each run of them ``lang="zh"`` in English text, the Epoch transform keeps them out of
``@en`` labels, the headquarters transform tags a name holding them ``@zh``, and the validator
flags an ``@en`` label holding them (``quality.chinese-in-english-label``, whose SPARQL pattern
spells out the same ranges).
"""

from __future__ import annotations

import re

CHINESE_CHARACTERS = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
"""CJK punctuation, ideographs (with extension A and compatibility ideographs) and full-width
forms, as a character-class body for a regular expression."""
CHINESE_RUN = re.compile(f"[{CHINESE_CHARACTERS}]+")
"""A run of Chinese characters."""
