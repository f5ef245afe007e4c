import pytest

from numtheory import (
    digit_sum,
    digital_root,
    from_base,
    gcd,
    isqrt_bisect,
    isqrt_newton,
    lcm,
    mod_pow,
    prime_factors,
    primes_up_to,
    to_base,
)


def test_gcd():
    assert gcd(12, 18) == 6
    assert gcd(17, 5) == 1
    assert gcd(0, 9) == 9
    assert gcd(9, 0) == 9
    assert gcd(0, 0) == 0


def test_gcd_negative():
    assert gcd(-12, 18) == 6
    assert gcd(12, -18) == 6


def test_lcm():
    assert lcm(4, 6) == 12
    assert lcm(7, 3) == 21
    assert lcm(-4, 6) == 12
    assert lcm(0, 5) == 0


def test_primes_small():
    assert primes_up_to(0) == []
    assert primes_up_to(1) == []
    assert primes_up_to(2) == [2]
    assert primes_up_to(3) == [2, 3]


def test_primes_includes_square_bound():
    assert primes_up_to(25) == [2, 3, 5, 7, 11, 13, 17, 19, 23]
    assert primes_up_to(49) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]


def test_primes_count():
    assert len(primes_up_to(1000)) == 168


def test_prime_factors():
    assert prime_factors(1) == []
    assert prime_factors(2) == [2]
    assert prime_factors(12) == [2, 2, 3]
    assert prime_factors(360) == [2, 2, 2, 3, 3, 5]


def test_prime_factors_squares_and_large_prime():
    assert prime_factors(49) == [7, 7]
    assert prime_factors(97) == [97]
    assert prime_factors(2 * 3 * 101) == [2, 3, 101]


def test_prime_factors_rejects_zero():
    with pytest.raises(ValueError):
        prime_factors(0)


def test_to_base():
    assert to_base(10, 2) == "1010"
    assert to_base(255, 16) == "ff"
    assert to_base(35, 36) == "z"
    assert to_base(0, 7) == "0"
    assert to_base(-8, 3) == "-22"


def test_to_base_invalid():
    with pytest.raises(ValueError):
        to_base(5, 1)
    with pytest.raises(ValueError):
        to_base(5, 37)


def test_from_base():
    assert from_base("1010", 2) == 10
    assert from_base("FF", 16) == 255
    assert from_base("-22", 3) == -8
    assert from_base("z", 36) == 35


def test_from_base_invalid_digit():
    with pytest.raises(ValueError):
        from_base("12", 2)
    with pytest.raises(ValueError):
        from_base("g", 16)
    with pytest.raises(ValueError):
        from_base("-", 10)


def test_base_roundtrip():
    for base in (2, 3, 8, 10, 16, 36):
        for n in (0, 1, base - 1, base, base + 1, 12345, -999):
            assert from_base(to_base(n, base), base) == n


@pytest.mark.parametrize("isqrt", [isqrt_newton, isqrt_bisect])
def test_isqrt_small(isqrt):
    assert [isqrt(n) for n in range(10)] == [0, 1, 1, 1, 2, 2, 2, 2, 2, 3]


@pytest.mark.parametrize("isqrt", [isqrt_newton, isqrt_bisect])
def test_isqrt_perfect_squares_and_neighbours(isqrt):
    for r in (10, 99, 1000, 123456):
        assert isqrt(r * r) == r
        assert isqrt(r * r - 1) == r - 1
        assert isqrt(r * r + 2 * r) == r


@pytest.mark.parametrize("isqrt", [isqrt_newton, isqrt_bisect])
def test_isqrt_negative(isqrt):
    with pytest.raises(ValueError):
        isqrt(-1)


def test_mod_pow():
    assert mod_pow(2, 10, 1000) == 24
    assert mod_pow(3, 0, 7) == 1
    assert mod_pow(5, 1, 7) == 5
    assert mod_pow(10, 3, 1) == 0


def test_mod_pow_matches_builtin():
    for b, e, m in [(7, 128, 13), (123, 456, 789), (2, 1000, 10**9 + 7), (9, 13, 10)]:
        assert mod_pow(b, e, m) == pow(b, e, m)


def test_digit_sum():
    assert digit_sum(0) == 0
    assert digit_sum(7) == 7
    assert digit_sum(1234) == 10
    assert digit_sum(-909) == 18


def test_digital_root():
    assert digital_root(0) == 0
    assert digital_root(9) == 9
    assert digital_root(10) == 1
    assert digital_root(9875) == 2
    assert digital_root(-38) == 2
