package io.github.multiprocessing4j;

/** The lock, semaphore, event, condition, barrier, value and shared-memory contract on the {@code threads} backend. */
class ThreadsSyncTest extends SyncContract {
    @Override
    Context newContext() {
        return Multiprocessing.threads();
    }
}
