package io.github.multiprocessing4j;

/** The {@link ProcessPool} contract on the {@code processes} backend. */
class ProcessesPoolTest extends PoolContract {
    @Override
    Context newContext() {
        return Multiprocessing.processes();
    }
}
