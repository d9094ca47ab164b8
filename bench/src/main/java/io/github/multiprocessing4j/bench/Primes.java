package io.github.multiprocessing4j.bench;

/**
 * The sum-of-primes workload of the 2008 talk, written as the talk wrote it (and as
 * {@code ../shared/bench/python} runs it) so the work matches CPython's step for step. Used by the
 * bench and by the demos.
 */
public final class Primes {

    private Primes() {
    }

    /**
     * Naive trial division, as in the Parallel Python {@code sum_primes} demo: every divisor from 2
     * up to the ceiling of the square root.
     *
     * @param n the number
     * @return whether it is prime
     */
    public static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n == 2) {
            return true;
        }
        int max = (int) Math.ceil(Math.sqrt(n));
        for (int i = 2; i <= max; i++) {
            if (n % i == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The sum of all primes below n.
     *
     * @param n the bound, exclusive
     * @return the sum
     */
    public static long sumPrimes(int n) {
        long sum = 0;
        for (int x = 2; x < n; x++) {
            if (isPrime(x)) {
                sum += x;
            }
        }
        return sum;
    }
}
