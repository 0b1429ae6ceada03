"""Folding Vietnamese text so that a search typed without diacritics finds text written with them.

Both the indexed text and the query go through the same functions, so the database never needs
``unaccent`` or a Vietnamese-aware tokenizer: it only ever sees lowercase letters and digits.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# A token is a run of letters or digits; everything else (punctuation, FTS operators, quotes,
# NUL bytes, underscores) separates tokens. SQLite's unicode61 tokenizer and PostgreSQL's
# parser split at least as finely, so a token built here is a single token for both.
_TOKEN = re.compile(r"[^\W_]+")

# đ/Đ are letters of their own, not a d with a combining mark, so decomposition leaves them.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d"})

# Longest token we bother to search for; Vietnamese syllables have at most seven letters, and a
# pasted URL or hash longer than this only slows the index down.
MAX_TOKEN_LENGTH = 64
# Text indexed per document. PostgreSQL refuses a tsvector over 1 MB; an item's body is a few
# thousand characters, so only a pasted book would lose its tail.
MAX_INDEXED_CHARS = 200_000


def fold(text: str) -> str:
    """Lowercase, strip diacritics, map đ to d and collapse whitespace.

    NFKD rather than NFD so that compatibility forms (full-width letters, ligatures) fold too;
    for Vietnamese the two are the same. Text typed in decomposed form (old VNI/TCVN input
    methods) folds to the same result as precomposed text.

    >>> fold("Đảng ủy xã  Sa Thầy")
    'dang uy xa sa thay'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTER_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    return _WHITESPACE.sub(" ", stripped.lower().translate(_LETTER_MAP)).strip()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, in order, each at most MAX_TOKEN_LENGTH long."""
    return [tok[:MAX_TOKEN_LENGTH] for tok in _TOKEN.findall(fold(text))]


def index_text(text: str) -> str:
    """The text stored in ``SearchDocument.body_folded``: folded words joined by single spaces.

    Storing tokens rather than the folded text with its punctuation means PostgreSQL's parser
    cannot read "0001.0004" or "a-b" as a compound token that the query side would split
    differently: both databases see exactly the words ``tokens()`` produces for a query.
    """
    joined = " ".join(tokens(text))
    if len(joined) > MAX_INDEXED_CHARS:
        joined = joined[: joined.rfind(" ", 0, MAX_INDEXED_CHARS + 1)]
    return joined
