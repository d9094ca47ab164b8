package io.github.multiprocessing4j;

/** The {@link WorkerProcess} contract on the {@code virtualThreads} backend. */
class VirtualThreadsWorkerProcessTest extends WorkerProcessContract {
    @Override
    Context newContext() {
        return Multiprocessing.virtualThreads();
    }
}
