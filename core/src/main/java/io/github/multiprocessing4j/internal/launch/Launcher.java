package io.github.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Starts every worker JVM from one long-lived platform thread.
 *
 * <p>Why: Linux delivers {@code PR_SET_PDEATHSIG} when the <em>thread</em> that created the child
 * ends, not the process. A worker started from a short-lived or virtual thread would be killed when
 * that thread ends. This thread lives as long as the JVM, so the signal fires exactly when the
 * parent JVM dies.
 */
public final class Launcher {

    private static final BlockingQueue<Request> REQUESTS = new LinkedBlockingQueue<>();

    private record Request(ProcessBuilder builder, CompletableFuture<Process> result) {
    }

    static {
        Thread thread = new Thread(Launcher::serve, "mp4j-launcher");
        thread.setDaemon(true);
        thread.start();
    }

    private Launcher() {
    }

    /**
     * Starts a process from the launcher thread.
     *
     * @param builder the process to start
     * @return the started process
     * @throws UncheckedIOException if it cannot be started
     */
    public static Process start(ProcessBuilder builder) {
        CompletableFuture<Process> result = new CompletableFuture<>();
        REQUESTS.add(new Request(builder, result));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // the process may be starting right now; wait for it so it is never orphaned
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw new UncheckedIOException("cannot start worker JVM " + builder.command().getFirst()
                                + ": " + io.getMessage(), io);
                    }
                    throw new IllegalStateException("cannot start worker JVM", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void serve() {
        while (true) {
            Request request;
            try {
                request = REQUESTS.take();
            } catch (InterruptedException e) {
                continue; // this thread must outlive every worker
            }
            try {
                request.result().complete(request.builder().start());
            } catch (IOException | RuntimeException e) {
                request.result().completeExceptionally(e);
            }
        }
    }
}
