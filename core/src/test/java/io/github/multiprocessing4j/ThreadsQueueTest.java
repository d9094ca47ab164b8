package io.github.multiprocessing4j;

/** The queue and pipe contract on the {@code threads} backend. */
class ThreadsQueueTest extends QueueContract {
    @Override
    Context newContext() {
        return Multiprocessing.threads();
    }
}
