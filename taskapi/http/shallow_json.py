"""JSON from clients decoded only when it is shallow.

The standard library's decoder recurses once per open array or object, against the interpreter's
own recursion limit. A body of a few thousand ``[`` reaches that limit, and then whatever else runs
at that depth fails too: garbage-collection finalizers, logging, and any library that does not
expect a RecursionError (py_webauthn answered 500). So the depth is counted first, on the text,
and anything deeper than any document this API takes is refused before a decoder sees it.
"""

import json
import re
from itertools import accumulate

# The deepest document taskapi reads (a passkey credential) nests four levels.
MAX_DEPTH = 32
# Everything but the brackets outside strings, scanned left to right: a string (one left open runs to
# the end, where the decoder would stop too) or a run of other characters.
NOT_A_BRACKET = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[^"\[\]{}]++', re.DOTALL)
STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(ValueError):
    """JSON nested more deeply than MAX_DEPTH."""


def as_text(document):
    """``document`` as str, decoded from bytes the way json.loads decodes them (UTF-8, -16 or -32).

    :raises UnicodeDecodeError: bytes that are not text in the encoding they announce
    """
    if isinstance(document, bytes | bytearray):
        return document.decode(json.detect_encoding(document), "surrogatepass")
    return document


def nesting_depth(text):
    """How many arrays and objects are open at the deepest point of ``text`` (brackets in strings do not count)."""
    brackets = NOT_A_BRACKET.sub("", text)
    return max(accumulate(map(STEP.__getitem__, brackets)), default=0)


def loads(document, **options):
    """``json.loads`` for client input, refusing nesting deeper than MAX_DEPTH before decoding.

    :raises TooDeep: nested more deeply than MAX_DEPTH
    :raises ValueError: anything json.loads refuses (UnicodeDecodeError and JSONDecodeError included)
    """
    text = as_text(document)
    refuse_deep(text)
    return json.loads(text, **options)


def refuse_deep(document):
    """Raise TooDeep when ``document`` (str or bytes) nests more deeply than MAX_DEPTH.

    :raises TooDeep: nested more deeply than MAX_DEPTH
    :raises UnicodeDecodeError: bytes that are not text
    """
    text = as_text(document)
    openers = text.count("[") + text.count("{")  # counts brackets in strings too: a bound, found in C
    if openers > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
        raise TooDeep(f"JSON nested more than {MAX_DEPTH} levels deep")
