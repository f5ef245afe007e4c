"""A course grade book with weighted categories, dropped scores and letter grades."""

from stats import mean, median

LETTERS = [(90, "A"), (80, "B"), (70, "C"), (60, "D")]


class GradeBook:
    def __init__(self, weights):
        """``weights`` maps category name to its share of the final grade (sums to 1)."""
        if not weights:
            raise ValueError("at least one category is required")
        total = sum(weights.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"category weights must sum to 1, not {total}")
        self.weights = dict(weights)
        self.drop_lowest = {name: 0 for name in weights}
        self.assignments = {}
        self.students = []
        self.scores = {}

    def add_assignment(self, name, category, max_points):
        if category not in self.weights:
            raise KeyError(f"unknown category {category!r}")
        if name in self.assignments:
            raise ValueError(f"assignment {name!r} already exists")
        if max_points <= 0:
            raise ValueError("max_points must be positive")
        self.assignments[name] = (category, max_points)

    def add_student(self, student):
        if student in self.scores:
            raise ValueError(f"student {student!r} already enrolled")
        self.students.append(student)
        self.scores[student] = {}

    def set_drop_lowest(self, category, count):
        if category not in self.weights:
            raise KeyError(f"unknown category {category!r}")
        if count < 0:
            raise ValueError("cannot drop a negative number of scores")
        self.drop_lowest[category] = count

    def record(self, student, assignment, points):
        if student not in self.scores:
            raise KeyError(f"unknown student {student!r}")
        if assignment not in self.assignments:
            raise KeyError(f"unknown assignment {assignment!r}")
        max_points = self.assignments[assignment][1]
        if not 0 <= points <= max_points:
            raise ValueError(f"{points} is outside 0..{max_points} for {assignment!r}")
        self.scores[student][assignment] = points

    def category_percent(self, student, category):
        """Percentage in one category, or None if nothing in it is graded yet.

        Each graded assignment counts as a fraction earned/max; the lowest
        fractions are dropped (keeping at least one), the rest are averaged.
        """
        fractions = []
        for name, (cat, max_points) in self.assignments.items():
            if cat != category:
                continue
            if name in self.scores[student]:
                fractions.append(self.scores[student][name] / max_points)
        if not fractions:
            return None
        fractions.sort()
        drop = min(self.drop_lowest[category], len(fractions) - 1)
        kept = fractions[drop:]
        return 100 * sum(kept) / len(kept)

    def final_percent(self, student):
        """Weighted percentage over the categories that have grades.

        Categories without any grade are left out and the remaining weights
        are scaled up so that they sum to 1 again.
        """
        if student not in self.scores:
            raise KeyError(f"unknown student {student!r}")
        total = 0.0
        used_weight = 0.0
        for category, weight in self.weights.items():
            percent = self.category_percent(student, category)
            if percent is None:
                continue
            total += percent * weight
            used_weight += weight
        if used_weight == 0:
            return None
        return round(total / used_weight, 2)

    def letter(self, student):
        percent = self.final_percent(student)
        if percent is None:
            return None
        for cutoff, letter in LETTERS:
            if percent >= cutoff:
                return letter
        return "F"

    def ranking(self):
        """(rank, student, percent) best first; equal percents share a rank (1, 2, 2, 4)."""
        graded = []
        for student in self.students:
            percent = self.final_percent(student)
            if percent is not None:
                graded.append((student, percent))
        graded.sort(key=lambda pair: (-pair[1], pair[0]))
        result = []
        for position, (student, percent) in enumerate(graded, start=1):
            if result and result[-1][2] == percent:
                rank = result[-1][0]
            else:
                rank = position
            result.append((rank, student, percent))
        return result

    def assignment_summary(self, assignment):
        """Statistics of one assignment's scores over the students who have one."""
        if assignment not in self.assignments:
            raise KeyError(f"unknown assignment {assignment!r}")
        points = [s[assignment] for s in self.scores.values() if assignment in s]
        if not points:
            return {"count": 0}
        return {
            "count": len(points),
            "mean": mean(points),
            "median": median(points),
            "low": min(points),
            "high": max(points),
        }

    def missing(self):
        """student -> sorted list of assignments with no recorded score."""
        result = {}
        for student in self.students:
            absent = [a for a in self.assignments if a not in self.scores[student]]
            if absent:
                result[student] = sorted(absent)
        return result
