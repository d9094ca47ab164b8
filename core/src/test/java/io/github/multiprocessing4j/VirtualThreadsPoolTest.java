package io.github.multiprocessing4j;

/** The {@link ProcessPool} contract on the {@code virtualThreads} backend. */
class VirtualThreadsPoolTest extends PoolContract {
    @Override
    Context newContext() {
        return Multiprocessing.virtualThreads();
    }
}
