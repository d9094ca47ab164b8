package io.github.multiprocessing4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Cross-process handshakes through files, for tests that run before queues exist or that must not
 * depend on them: one side creates a file, the other polls for it with a bound.
 */
public final class Files2 {

    /** The longest any handshake waits. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    /** How often a waiting side looks again. */
    static final long POLL_MILLIS = 2;

    private Files2() {
    }

    /**
     * Waits until {@code path} exists.
     *
     * @param path the file
     * @throws TimeoutException after {@link #HANDSHAKE_TIMEOUT}
     * @throws InterruptedException if interrupted while waiting
     */
    public static void await(String path) throws TimeoutException, InterruptedException {
        Path file = Path.of(path);
        poll("no " + path, () -> Files.exists(file));
    }

    /**
     * Waits until {@code path} has at least {@code lines} lines.
     *
     * @param path the file
     * @param lines how many lines to wait for
     * @throws TimeoutException after {@link #HANDSHAKE_TIMEOUT}
     * @throws InterruptedException if interrupted while waiting
     */
    public static void awaitLines(String path, int lines) throws TimeoutException, InterruptedException {
        Path file = Path.of(path);
        poll("fewer than " + lines + " lines in " + path, () -> {
            try {
                return Files.exists(file) && Files.readAllLines(file).size() >= lines;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void poll(String failure, java.util.function.BooleanSupplier done)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + HANDSHAKE_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(failure + " after " + HANDSHAKE_TIMEOUT);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Waits forever (until interrupted or killed): for targets that must be stopped from outside.
     *
     * @throws InterruptedException when interrupted
     */
    public static void blockForever() throws InterruptedException {
        new java.util.concurrent.CountDownLatch(1).await();
    }

    /**
     * Creates {@code path} with {@code content}.
     *
     * @param path the file
     * @param content its content
     * @throws IOException if it cannot be written
     */
    public static void write(String path, String content) throws IOException {
        Path file = Path.of(path);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
