package io.github.multiprocessing4j;

/** The lock, semaphore, event, condition, barrier, value and shared-memory contract on the {@code virtualThreads} backend. */
class VirtualThreadsSyncTest extends SyncContract {
    @Override
    Context newContext() {
        return Multiprocessing.virtualThreads();
    }
}
