# Benchmark (ours): bytearray sieve, str.join of formatted numbers, sorted()
# with a key on tuples, and set algebra. Prints one result line.
N = 200000


def sieve(n):
    flags = bytearray(n + 1)
    for k in range(n + 1):
        flags[k] = 1
    flags[0] = flags[1] = 0
    i = 2
    while i * i <= n:
        if flags[i]:
            for j in range(i * i, n + 1, i):
                flags[j] = 0
        i += 1
    return [k for k in range(n + 1) if flags[k]]


def text(primes):
    parts = ["%d:%x" % (p, p) for p in primes[:2000]]
    s = ",".join(parts)
    return len(s), s.count("1"), len(s.split(","))


def ranks(primes):
    pairs = [(p % 97, -p) for p in primes[:5000]]
    pairs = sorted(pairs, key=lambda t: t[0] * 100000 - t[1])
    return pairs[0], pairs[-1]


def sets(primes):
    a = set(primes[:3000])
    b = set(range(0, 30000, 3))
    return len(a | b), len(a & b), len(a - b), len(a ^ b)


def main():
    total = 0
    for r in range(3):
        primes = sieve(N + r)
        total += len(primes)
    primes = sieve(N)
    print("sieve_strings", N, total, text(primes), ranks(primes), sets(primes))


main()
