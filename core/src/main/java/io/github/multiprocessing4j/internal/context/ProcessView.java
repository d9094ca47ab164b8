package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.os.ProcessState;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link WorkerProcess} for a process this JVM did not start: itself ({@code current()}) or its
 * parent ({@code parent()}). It can be observed; it cannot be started, stopped or (for itself)
 * joined.
 */
final class ProcessView implements WorkerProcess {

    private final String name;
    private final long pid;
    private final boolean joinable;

    ProcessView(String name, long pid, boolean joinable) {
        this.name = name;
        this.pid = pid;
        this.joinable = joinable;
    }

    private IllegalStateException unsupported(String operation) {
        return new IllegalStateException("cannot " + operation + " process '" + name + "' (pid " + pid
                + "): it is the current process or its parent, not a worker started from here");
    }

    @Override
    public WorkerProcess name(String newName) {
        throw unsupported("rename");
    }

    @Override
    public WorkerProcess daemon(boolean daemon) {
        throw unsupported("change the daemon flag of");
    }

    @Override
    public WorkerProcess start() {
        throw unsupported("start");
    }

    @Override
    public void join() throws InterruptedException {
        if (!joinable) {
            throw unsupported("join");
        }
        try {
            exitFuture().get();
        } catch (ExecutionException e) {
            // ProcessHandle.onExit does not fail
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        if (!joinable) {
            throw unsupported("join");
        }
        try {
            exitFuture().get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private CompletableFuture<ProcessHandle> exitFuture() {
        if (pid == ProcessHandle.current().pid()) {
            return new CompletableFuture<>(); // this process ends only when this code stops running
        }
        return ProcessHandle.of(pid).map(ProcessHandle::onExit).orElse(CompletableFuture.completedFuture(null));
    }

    @Override
    public boolean isAlive() {
        return ProcessState.isRunning(pid);
    }

    @Override
    public void terminate() {
        throw unsupported("terminate");
    }

    @Override
    public void kill() {
        throw unsupported("kill");
    }

    @Override
    public void close() {
        // nothing is held
    }

    @Override
    public OptionalInt exitCode() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(pid);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isDaemon() {
        return false;
    }

    @Override
    public CompletableFuture<WorkerProcess> onExit() {
        return exitFuture().thenApply(handle -> this);
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "WorkerProcess[name=" + name + ", pid=" + pid + "]";
    }
}
