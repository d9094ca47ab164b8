package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.bench.Primes;

/**
 * The talks' CPU-bound functions beside the sum of primes ({@link Primes}, shared with the bench),
 * written as the talks wrote them so the work matches CPython's peer step for step.
 */
public final class Workloads {

    private Workloads() {
    }

    /**
     * The sum of all primes below n by the sieve of Eratosthenes: another algorithm, to check
     * {@link Primes#sumPrimes}.
     *
     * @param n the bound, exclusive
     * @return the sum
     */
    public static long sievePrimeSum(int n) {
        boolean[] composite = new boolean[Math.max(n, 2)];
        long sum = 0;
        for (int x = 2; x < n; x++) {
            if (!composite[x]) {
                sum += x;
                for (long m = (long) x * x; m < n; m += x) {
                    composite[(int) m] = true;
                }
            }
        }
        return sum;
    }

    /**
     * Naive recursive Fibonacci, as in the 2013 GIL talk.
     *
     * @param n the index
     * @return fib(n)
     */
    public static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}
