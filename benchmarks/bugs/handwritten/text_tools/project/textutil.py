"""Assorted string utilities."""

import string

SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
}
PAIRS = {")": "(", "]": "[", "}": "{"}


def wrap(text, width):
    """Greedy word wrap: a list of lines, each at most width characters.

    Words longer than width are placed on a line of their own.
    """
    if width < 1:
        raise ValueError("width must be positive")
    lines = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def rle_encode(text):
    """Run-length encode: 'aaab' -> '3a1b'."""
    if not text:
        return ""
    parts = []
    run_char, run_len = text[0], 1
    for ch in text[1:]:
        if ch == run_char:
            run_len += 1
        else:
            parts.append(f"{run_len}{run_char}")
            run_char, run_len = ch, 1
    parts.append(f"{run_len}{run_char}")
    return "".join(parts)


def rle_decode(encoded):
    """Inverse of rle_encode; counts may have several digits."""
    out = []
    digits = ""
    for ch in encoded:
        if ch.isdigit():
            digits += ch
        else:
            if not digits:
                raise ValueError("missing count before " + repr(ch))
            out.append(ch * int(digits))
            digits = ""
    if digits:
        raise ValueError("dangling count at end")
    return "".join(out)


def caesar(text, shift):
    """Shift ASCII letters by shift places, keeping case; other characters unchanged."""
    result = []
    for ch in text:
        if ch in string.ascii_lowercase:
            base = ord("a")
        elif ch in string.ascii_uppercase:
            base = ord("A")
        else:
            result.append(ch)
            continue
        result.append(chr(base + (ord(ch) - base + shift) % 26))
    return "".join(result)


def is_balanced(text):
    """True if (), [] and {} are properly nested; other characters are ignored."""
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack[-1] != PAIRS[ch]:
                return False
            stack.pop()
    return not stack


def title_case(text, exceptions=SMALL_WORDS):
    """Capitalise each word except the exceptions; the first and last words are always capitalised."""
    words = text.lower().split()
    out = []
    for i, word in enumerate(words):
        if i == 0 or i == len(words) - 1 or word not in exceptions:
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def longest_common_prefix(words):
    """Longest string that every word starts with ('' for no words)."""
    if not words:
        return ""
    prefix = words[0]
    for word in words[1:]:
        n = 0
        limit = min(len(prefix), len(word))
        while n < limit:
            if prefix[n] != word[n]:
                break
            n += 1
        prefix = prefix[:n]
        if not prefix:
            break
    return prefix


def word_counts(text):
    """Count words case-insensitively, ignoring punctuation around and inside words.

    Apostrophes inside a word are kept ("don't"), hyphens split words.
    """
    counts = {}
    cleaned = text.lower().replace("-", " ")
    for raw in cleaned.split():
        word = "".join(ch for ch in raw if ch.isalnum() or ch == "'").strip("'")
        if word:
            counts[word] = counts.get(word, 0) + 1
    return counts


def most_common_word(text):
    """The most frequent word; ties go to the word that appears first in the text."""
    counts = word_counts(text)
    best, best_count = None, 0
    for word in counts:
        if counts[word] > best_count:
            best, best_count = word, counts[word]
    return best
