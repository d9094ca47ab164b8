package io.github.multiprocessing4j;

/** The queue and pipe contract on the {@code processes} backend. */
class ProcessesQueueTest extends QueueContract {
    @Override
    Context newContext() {
        return Multiprocessing.processes();
    }
}
