"""Generated blocks of a Markdown document, between marker comments.

A block is ``<!-- BEGIN GENERATED name: how to regenerate -->`` ... ``<!-- END
GENERATED name -->``; the text between is written by code (the parameter tables, the
validation table), never by hand, and a test checks it equals what the code writes.
"""

from __future__ import annotations

import re

_BLOCK = r"(<!-- BEGIN GENERATED {name}:[^\n]*-->\n)(.*?)(<!-- END GENERATED {name} -->)"


def read_block(text: str, name: str) -> str:
    """The content of block ``name`` of ``text``.

    Raises:
        ValueError: the document has no such block (or it is unterminated).
    """
    match = re.search(_BLOCK.format(name=re.escape(name)), text, flags=re.S)
    if match is None:
        raise ValueError(f"no generated block {name!r} (markers <!-- BEGIN GENERATED {name}: ...)")
    return match.group(2)


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with block ``name``'s content replaced by ``content``."""
    read_block(text, name)  # raises if the block is missing
    content = content if content.endswith("\n") else content + "\n"
    pattern = _BLOCK.format(name=re.escape(name))
    return re.sub(pattern, lambda m: m.group(1) + content + m.group(3), text, count=1, flags=re.S)
