package io.github.multiprocessing4j;

/** The queue and pipe contract on the {@code virtualThreads} backend. */
class VirtualThreadsQueueTest extends QueueContract {
    @Override
    Context newContext() {
        return Multiprocessing.virtualThreads();
    }
}
