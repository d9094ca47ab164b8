package io.github.multiprocessing4j;

/** The {@link WorkerProcess} contract on the {@code processes} backend. */
class ProcessesWorkerProcessTest extends WorkerProcessContract {
    @Override
    Context newContext() {
        return Multiprocessing.processes();
    }
}
