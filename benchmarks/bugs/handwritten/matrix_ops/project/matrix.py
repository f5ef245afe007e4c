"""Plain list-of-lists matrix helpers and a few grid algorithms."""


def shape(m):
    return (len(m), len(m[0]) if m else 0)


def identity(n):
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def add(a, b):
    if shape(a) != shape(b):
        raise ValueError("shapes differ")
    return [[a[i][j] + b[i][j] for j in range(len(a[0]))] for i in range(len(a))]


def transpose(m):
    rows, cols = shape(m)
    return [[m[i][j] for i in range(rows)] for j in range(cols)]


def multiply(a, b):
    n, k = shape(a)
    k2, p = shape(b)
    if k != k2:
        raise ValueError("inner dimensions differ")
    result = [[0] * p for _ in range(n)]
    for i in range(n):
        for j in range(p):
            total = 0
            for t in range(k):
                total += a[i][t] * b[t][j]
            result[i][j] = total
    return result


def determinant(m):
    """Determinant by cofactor expansion along the first row."""
    n = len(m)
    if any(len(row) != n for row in m):
        raise ValueError("matrix must be square")
    if n == 0:
        return 1
    if n == 1:
        return m[0][0]
    if n == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    total = 0
    for col in range(n):
        minor = [row[:col] + row[col + 1:] for row in m[1:]]
        sign = -1 if col % 2 else 1
        total += sign * m[0][col] * determinant(minor)
    return total


def rotate_clockwise(m):
    """Rotate a matrix 90 degrees clockwise (returns a new matrix)."""
    rows, cols = shape(m)
    return [[m[rows - 1 - i][j] for i in range(rows)] for j in range(cols)]


def spiral_order(m):
    out = []
    if not m or not m[0]:
        return out
    top, bottom = 0, len(m) - 1
    left, right = 0, len(m[0]) - 1
    while top <= bottom and left <= right:
        for j in range(left, right + 1):
            out.append(m[top][j])
        top += 1
        for i in range(top, bottom + 1):
            out.append(m[i][right])
        right -= 1
        if top <= bottom:
            for j in range(right, left - 1, -1):
                out.append(m[bottom][j])
            bottom -= 1
        if left <= right:
            for i in range(bottom, top - 1, -1):
                out.append(m[i][left])
            left += 1
    return out


def _neighbours(grid, r, c):
    """In-bounds cells that share an edge with (r, c)."""
    result = []
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nr, nc = r + dr, c + dc
        if not (0 <= nr < len(grid) and 0 <= nc < len(grid[0])):
            continue
        result.append((nr, nc))
    return result


def flood_fill(grid, r, c, new):
    """Recolour the 4-connected region containing (r, c) in place; return the grid."""
    old = grid[r][c]
    if old == new:
        return grid
    stack = [(r, c)]
    while stack:
        cr, cc = stack.pop()
        if grid[cr][cc] != old:
            continue
        grid[cr][cc] = new
        stack.extend(_neighbours(grid, cr, cc))
    return grid


def count_islands(grid):
    """Number of 4-connected groups of 1s."""
    if not grid:
        return 0
    seen = set()
    islands = 0
    for r in range(len(grid)):
        for c in range(len(grid[0])):
            if grid[r][c] != 1 or (r, c) in seen:
                continue
            islands += 1
            seen.add((r, c))
            todo = [(r, c)]
            while todo:
                cr, cc = todo.pop()
                for nr, nc in _neighbours(grid, cr, cc):
                    if grid[nr][nc] == 1 and (nr, nc) not in seen:
                        seen.add((nr, nc))
                        todo.append((nr, nc))
    return islands
