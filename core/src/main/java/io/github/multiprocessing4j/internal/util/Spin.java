package io.github.multiprocessing4j.internal.util;

import java.util.function.BooleanSupplier;

/**
 * The short wait that comes before a sleep: a hand-off between threads or processes is often a
 * few microseconds away, and waking a sleeping thread costs far more (tens of microseconds on a
 * virtual machine, whose idle CPU halts).
 *
 * <p>The first iterations busy-spin ({@link Thread#onSpinWait}); after two microseconds every
 * iteration yields the CPU ({@link Thread#yield}) instead. That matters when threads outnumber
 * cores: a spinner that kept its core would keep from it the very thread, or process, it waits
 * for, until its spin ran out; a yielding one hands the core over at once and takes it back when
 * nothing else wants it. The spin is bounded in time, not iterations, so it costs the same whether
 * it runs interpreted or compiled.
 */
public final class Spin {

    /** How long the spinner busy-spins before it starts yielding. */
    static final long BUSY_NANOS = 2_000;

    private Spin() {
    }

    /**
     * Spins until {@code ready} holds or {@code nanos} have passed.
     *
     * @param ready the condition, checked after every iteration
     * @param nanos how long to spin at most
     * @return whether the condition holds
     */
    public static boolean until(BooleanSupplier ready, long nanos) {
        long start = System.nanoTime();
        long busy = Math.min(nanos, BUSY_NANOS);
        while (true) {
            long spent = System.nanoTime() - start;
            if (spent >= nanos) {
                return false;
            }
            if (spent < busy) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            if (ready.getAsBoolean()) {
                return true;
            }
        }
    }
}
