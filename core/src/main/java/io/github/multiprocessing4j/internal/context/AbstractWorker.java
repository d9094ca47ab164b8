package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every backend's worker shares: name and daemon flag (settable until start), the one-shot
 * start, joining and the exit future. Subclasses start the work and report its end with
 * {@link #exited(int, Throwable)}.
 *
 * <p>State: {@code NEW --start()--> STARTED --exited()--> ENDED}, and {@code closed} once
 * {@link #close()} succeeded. Transitions happen under {@code this}' monitor; the exit future is
 * the single source of truth for "ended".
 */
abstract class AbstractWorker implements WorkerProcess {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final CompletableFuture<WorkerProcess> exit = new CompletableFuture<>();
    private final CompletableFuture<WorkerProcess> publicExit = exit.copy();
    private String name = "Process-" + COUNTER.incrementAndGet();
    private boolean daemon;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile int exitCode;
    private volatile Throwable failure;

    /** Starts the work; called once, under the monitor. */
    abstract void doStart(String name, boolean daemon);

    /** Whether the owning context is closed. */
    abstract boolean contextClosed();

    @Override
    public synchronized WorkerProcess name(String newName) {
        Objects.requireNonNull(newName, "name");
        if (newName.isBlank()) {
            throw new IllegalArgumentException("name: \"" + newName + "\" (expected: a non-blank name)");
        }
        requireNew("name");
        this.name = newName;
        return this;
    }

    @Override
    public synchronized WorkerProcess daemon(boolean newDaemon) {
        requireNew("daemon flag");
        this.daemon = newDaemon;
        return this;
    }

    private void requireNew(String setting) {
        if (started) {
            throw new IllegalStateException("cannot change the " + setting + " of process '" + name
                    + "': it was already started");
        }
    }

    @Override
    public synchronized WorkerProcess start() {
        if (closed) {
            throw new IllegalStateException("cannot start process '" + name + "': it was closed");
        }
        if (started) {
            throw new IllegalStateException("cannot start process '" + name + "': a process can be started only once");
        }
        if (contextClosed()) {
            throw new IllegalStateException("cannot start process '" + name + "': its context is closed");
        }
        doStart(name, daemon);
        started = true;
        return this;
    }

    /**
     * Records the end of the work and completes the exit future. Only the first call counts.
     *
     * @param code the exit code
     * @param cause what the target threw, or {@code null}
     */
    final void exited(int code, Throwable cause) {
        synchronized (exit) {
            if (exit.isDone()) {
                return;
            }
            this.exitCode = code;
            if (cause != null) {
                this.failure = cause;
            }
        }
        exit.complete(this);
    }

    /** Records the target's failure before the exit. */
    final void failed(Throwable cause) {
        this.failure = cause;
    }

    final boolean isStarted() {
        return started;
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("cannot join process '" + name + "': it was not started");
        }
    }

    @Override
    public void join() throws InterruptedException {
        requireStarted();
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit future never fails", e);
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        requireStarted();
        if (exit.isDone()) {
            return true;
        }
        try {
            exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit future never fails", e);
        }
    }

    @Override
    public boolean isAlive() {
        return started && !exit.isDone();
    }

    @Override
    public OptionalInt exitCode() {
        return exit.isDone() ? OptionalInt.of(exitCode) : OptionalInt.empty();
    }

    @Override
    public synchronized String name() {
        return name;
    }

    @Override
    public synchronized boolean isDaemon() {
        return daemon;
    }

    @Override
    public CompletableFuture<WorkerProcess> onExit() {
        return publicExit;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        if (isAlive()) {
            throw new IllegalStateException("cannot close process '" + name()
                    + "': it is still running (join, terminate or kill it first)");
        }
        closed = true;
    }

    @Override
    public String toString() {
        String state = !started ? "initial" : isAlive() ? "started" : "stopped exitcode=" + exitCode;
        return getClass().getSimpleName() + "[name=" + name() + ", " + state + (isDaemon() ? ", daemon" : "")
                + pid().stream().mapToObj(pid -> ", pid=" + pid).findFirst().orElse("") + "]";
    }
}
