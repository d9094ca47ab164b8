package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.SharedWait;
import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A flag that processes wait for: Python's {@code Event}. Create one with
 * {@link Context#event()}.
 *
 * <pre>{@code
 * SharedEvent go = ctx.event();
 * for (int i = 0; i < 4; i++) {
 *     ctx.process(() -> {
 *         go.await();
 *         work();
 *     }).start();
 * }
 * go.set(); // all four start together
 * }</pre>
 *
 * <p>Waiters spin briefly, then sleep in the kernel; {@link #set()} wakes them all, in every
 * process. Instances are thread-safe. {@link #close()} (or closing the creating context) removes
 * the shared memory.
 */
public final class SharedEvent implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "event";

    private static final long FLAG = SyncRegions.BODY;
    private static final long SEQ = FLAG + 4;
    private static final long SLEEPERS = FLAG + 8;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final transient SharedRegion region;
    private final transient MemorySegment segment;

    SharedEvent(SharedRegion region) {
        this.region = region;
        this.segment = region.segment();
    }

    static SharedEvent create() {
        SharedRegion region = SyncRegions.create(KIND, SyncRegions.BODY + 64, 0, 0);
        return SyncRegions.register(region, new SharedEvent(region));
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        INT.setVolatile(segment, FLAG, 1);
        SharedWait.signalAll(segment, SEQ, SLEEPERS);
    }

    /** Clears the flag: later waits block until the next {@link #set()}. */
    public void clear() {
        INT.setVolatile(segment, FLAG, 0);
    }

    /**
     * Whether the flag is set.
     *
     * @return {@code true} if set
     */
    public boolean isSet() {
        return (int) INT.getVolatile(segment, FLAG) != 0;
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        SharedWait.await(segment, SEQ, SLEEPERS, this::isSet, -1);
    }

    /**
     * Waits up to {@code timeout} for the flag to be set: Python's {@code wait(timeout)}.
     *
     * @param timeout how long
     * @return {@code true} if the flag is set, {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return SharedWait.await(segment, SEQ, SLEEPERS, this::isSet, SharedWait.nanos(timeout));
    }

    /** Removes the event's shared memory (in the creating process; elsewhere only unmaps it). */
    @Override
    public void close() {
        SyncRegions.close(region);
    }

    @Override
    public String toString() {
        return "SharedEvent[" + region.path().getFileName() + (isSet() ? ", set" : ", clear") + "]";
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new SyncRef(region.path().toString(), KIND);
    }
}
