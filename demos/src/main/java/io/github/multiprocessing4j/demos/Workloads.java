package io.github.multiprocessing4j.demos;

/**
 * The talks' CPU-bound functions, written as the talks wrote them so the work matches CPython's peer
 * step for step.
 */
public final class Workloads {

    private Workloads() {
    }

    /**
     * Naive trial division, as in the Parallel Python {@code sum_primes} demo (2008): every divisor
     * from 2 up to the ceiling of the square root.
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

    /**
     * The sum of all primes below n by the sieve of Eratosthenes: another algorithm, to check
     * {@link #sumPrimes}.
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
