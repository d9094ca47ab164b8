package io.github.multiprocessing4j;

/** The {@link WorkerProcess} contract on the {@code threads} backend. */
class ThreadsWorkerProcessTest extends WorkerProcessContract {
    @Override
    Context newContext() {
        return Multiprocessing.threads();
    }
}
