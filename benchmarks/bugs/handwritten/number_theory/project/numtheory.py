"""Elementary number theory helpers on Python ints."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def gcd(a, b):
    """Greatest common divisor, always non-negative; gcd(0, 0) == 0."""
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


def lcm(a, b):
    """Least common multiple, non-negative; lcm with 0 is 0."""
    if a == 0 or b == 0:
        return 0
    return abs(a * b) // gcd(a, b)


def primes_up_to(n):
    """All primes p <= n, by the sieve of Eratosthenes."""
    if n < 2:
        return []
    is_prime = [True] * (n + 1)
    is_prime[0] = is_prime[1] = False
    p = 2
    while p * p <= n:
        if is_prime[p]:
            for multiple in range(p * p, n + 1, p):
                is_prime[multiple] = False
        p += 1
    return [i for i, flag in enumerate(is_prime) if flag]


def prime_factors(n):
    """Prime factors of n >= 1 in non-decreasing order, with multiplicity."""
    if n < 1:
        raise ValueError("n must be positive")
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


def to_base(n, base):
    """String of n in the given base (2..36), with a leading '-' for negatives."""
    if not 2 <= base <= 36:
        raise ValueError("base must be in 2..36")
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    digits = []
    while n > 0:
        n, r = divmod(n, base)
        digits.append(DIGITS[r])
    return sign + "".join(reversed(digits))


def from_base(text, base):
    """Inverse of to_base; accepts upper- or lowercase digits."""
    if not 2 <= base <= 36:
        raise ValueError("base must be in 2..36")
    text = text.strip().lower()
    negative = text.startswith("-")
    if negative:
        text = text[1:]
    if not text:
        raise ValueError("no digits")
    value = 0
    for ch in text:
        digit = DIGITS.find(ch)
        if digit < 0 or digit >= base:
            raise ValueError(f"invalid digit {ch!r} for base {base}")
        value = value * base + digit
    return -value if negative else value


def isqrt_newton(n):
    """Largest integer r with r * r <= n, by Newton's method."""
    if n < 0:
        raise ValueError("square root of a negative number")
    if n < 2:
        return n
    x = n
    y = (x + n // x) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x


def isqrt_bisect(n):
    """Largest integer r with r * r <= n, by bisection."""
    if n < 0:
        raise ValueError("square root of a negative number")
    lo, hi = 0, n + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid * mid <= n:
            lo = mid
        else:
            hi = mid
    return lo


def mod_pow(base, exponent, modulus):
    """base ** exponent % modulus by square-and-multiply (exponent >= 0)."""
    if modulus == 1:
        return 0
    result = 1
    base %= modulus
    while exponent > 0:
        if exponent & 1:
            result = result * base % modulus
        base = base * base % modulus
        exponent >>= 1
    return result


def digit_sum(n):
    """Sum of the decimal digits of |n|."""
    n = abs(n)
    total = 0
    while n:
        total += n % 10
        n //= 10
    return total


def digital_root(n):
    """Repeated digit sum of |n| until a single digit remains."""
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
