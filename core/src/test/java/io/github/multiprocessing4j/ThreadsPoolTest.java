package io.github.multiprocessing4j;

/** The {@link ProcessPool} contract on the {@code threads} backend. */
class ThreadsPoolTest extends PoolContract {
    @Override
    Context newContext() {
        return Multiprocessing.threads();
    }
}
