"""Grade report for a class: read scores from CSV text and summarise them."""

GRADE_THRESHOLDS = [(90, "A"), (80, "B"), (70, "C"), (60, "D")]
LETTERS = "ABCDF"


def parse_line(line):
    """Split one CSV line into fields. Fields may be quoted; "" inside quotes is a quote."""
    fields = []
    current = []
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    current.append('"')
                    i += 1
                else:
                    in_quotes = False
            else:
                current.append(ch)
        elif ch == '"':
            in_quotes = True
        elif ch == ",":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if in_quotes:
        raise ValueError("unterminated quote")
    fields.append("".join(current))
    return fields


def load_scores(text):
    """Map each student to their list of scores. The first line is a header; blank
    lines are skipped and empty score cells are treated as missing."""
    lines = text.splitlines()
    scores = {}
    for line in lines[1:]:
        if not line.strip():
            continue
        name, *cells = parse_line(line)
        values = []
        for cell in cells:
            cell = cell.strip()
            if cell:
                values.append(float(cell))
        scores.setdefault(name.strip(), []).extend(values)
    return scores


def average(values):
    if not values:
        return 0.0
    return sum(values) / len(values)


def letter_grade(avg):
    for threshold, letter in GRADE_THRESHOLDS:
        if avg >= threshold:
            return letter
    return "F"


def averages(scores):
    return {name: average(vals) for name, vals in scores.items()}


def top_n(avgs, n):
    """The n best students as (name, average), best first; ties broken by name."""
    ranked = sorted(avgs.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]


def median(values):
    if not values:
        raise ValueError("median of empty data")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def histogram(avgs):
    """Count of students per letter grade, every letter present."""
    counts = {letter: 0 for letter in LETTERS}
    for avg in avgs.values():
        counts[letter_grade(avg)] += 1
    return counts


def render_histogram(counts):
    return "\n".join(f"{letter}: {'*' * counts[letter]}" for letter in LETTERS)


def format_report(avgs):
    """A fixed-width table sorted by name: name, average (1 decimal), grade."""
    width = max([len("Name")] + [len(name) for name in avgs])
    lines = [f"{'Name'.ljust(width)} | {'Avg':>5} | Grade"]
    lines.append("-" * len(lines[0]))
    for name in sorted(avgs):
        avg = avgs[name]
        lines.append(f"{name.ljust(width)} | {avg:5.1f} | {letter_grade(avg)}")
    return "\n".join(lines)
