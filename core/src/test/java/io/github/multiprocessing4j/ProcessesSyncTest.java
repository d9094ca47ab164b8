package io.github.multiprocessing4j;

/** The lock, semaphore, event, condition, barrier, value and shared-memory contract on the {@code processes} backend. */
class ProcessesSyncTest extends SyncContract {
    @Override
    Context newContext() {
        return Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
    }
}
