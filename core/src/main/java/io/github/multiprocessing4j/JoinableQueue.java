package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.spi.Codec;
import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SharedQueue} that counts unfinished elements: Python's {@code JoinableQueue}. Every
 * element put counts as unfinished until a consumer calls {@link #taskDone()} for it;
 * {@link #join()} waits until none is. Create one with {@link Context#joinableQueue()}.
 *
 * <pre>{@code
 * JoinableQueue<Path> work = ctx.joinableQueue();
 * for (int i = 0; i < 4; i++) {
 *     ctx.process(() -> {
 *         while (true) {
 *             Path file = work.take();
 *             process(file);
 *             work.taskDone();
 *         }
 *     }).daemon(true).start();
 * }
 * files.forEach(work::add);
 * work.join(); // every file processed
 * }</pre>
 *
 * <p>A consumer that dies after taking an element and before {@code taskDone()} leaves it
 * unfinished forever, as in Python: use {@link #join(Duration)} when consumers may crash.
 * Instances are thread-safe.
 *
 * @param <E> the element type
 */
public final class JoinableQueue<E> extends SharedQueue<E> {

    @Serial
    private static final long serialVersionUID = 1L;

    JoinableQueue(QueueCore core, Codec codec) {
        super(core, codec);
    }

    /**
     * Marks one taken element done.
     *
     * @throws IllegalStateException if called more times than elements were put
     */
    public void taskDone() {
        core().taskDone();
    }

    /**
     * Waits until every element put so far has been marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the queue is closed while elements are unfinished
     */
    public void join() throws InterruptedException {
        core().join(-1);
    }

    /**
     * Waits at most {@code timeout} until every element put so far has been marked done.
     *
     * @param timeout how long to wait
     * @return {@code true} if all are done, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the queue is closed while elements are unfinished
     */
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return core().join(Math.max(0, timeout.toNanos()));
    }

    /**
     * Elements put and not yet marked done.
     *
     * @return the count
     */
    public long unfinishedTasks() {
        return core().unfinished();
    }
}
