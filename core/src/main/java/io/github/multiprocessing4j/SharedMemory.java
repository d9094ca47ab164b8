package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedFiles;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A named block of shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}.
 * Create one with {@link Context#sharedMemory(long)}; another process attaches it by
 * {@linkplain #name() name} with {@link #attach(String)}, or receives it captured in a task.
 *
 * <pre>{@code
 * try (SharedMemory image = ctx.sharedMemory(width * height * 4L)) {
 *     MemorySegment pixels = image.segment();
 *     String name = image.name();
 *     ctx.process(() -> {
 *         try (SharedMemory same = SharedMemory.attach(name)) {
 *             blur(same.segment());
 *         }
 *     }).start().join();
 * }
 * }</pre>
 *
 * <p>One process owns the block: the one that created it. Closing it there unmaps it and removes
 * the name (processes that still map it keep their mapping until they close); closing it in any
 * other process only unmaps it there. If the owner dies, the next process that creates shared
 * objects sweeps the file. The memory starts zeroed and has no structure; concurrent access needs
 * the usual care (a {@link SharedLock}, or atomic access through a {@code VarHandle}). The segment
 * must not be used after {@link #close()}. Instances are thread-safe.
 */
public final class SharedMemory implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "shm";

    private final transient SharedRegion region;

    private SharedMemory(SharedRegion region) {
        this.region = region;
    }

    static SharedMemory create(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("size: " + bytes + " bytes (expected: at least 1)");
        }
        return new SharedMemory(SharedRegion.create(KIND, bytes));
    }

    /**
     * Maps the block called {@code name}, created by another process (or this one).
     *
     * @param name a block's {@link #name()}
     * @return the attached block; closing it only unmaps it
     * @throws IllegalArgumentException if {@code name} is not the name of a block of this library
     * @throws IllegalStateException if no such block exists (any more)
     */
    public static SharedMemory attach(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.startsWith(SharedFiles.PREFIX) || !name.contains("-" + KIND + "-") || name.contains("/")
                || name.contains("\0")) {
            throw new IllegalArgumentException("not a shared memory name: '" + name + "' (expected the name() of a "
                    + "SharedMemory, like " + SharedFiles.PREFIX + "<pid>-" + KIND + "-<hex>)");
        }
        return new SharedMemory(SharedRegion.attach(SharedFiles.directory().resolve(name)));
    }

    /**
     * The block's name, by which other processes {@linkplain #attach(String) attach} it.
     *
     * @return the name
     */
    public String name() {
        return region.path().getFileName().toString();
    }

    /**
     * The memory.
     *
     * @return the segment, valid until {@link #close()}
     */
    public MemorySegment segment() {
        return region.segment();
    }

    /**
     * The size.
     *
     * @return bytes
     */
    public long byteSize() {
        return region.segment().byteSize();
    }

    /**
     * Whether this process created (and so owns) the block.
     *
     * @return {@code true} in the owner
     */
    public boolean isOwner() {
        return region.isOwner();
    }

    /**
     * Unmaps the block; in the owner also removes its name (Python's {@code close()} and
     * {@code unlink()}). Idempotent.
     */
    @Override
    public void close() {
        region.close();
    }

    @Override
    public String toString() {
        return "SharedMemory[" + name() + ", " + byteSize() + " bytes" + (isOwner() ? ", owner" : "") + "]";
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new Ref(name());
    }

    /** The serialized form: the name. */
    private record Ref(String name) implements java.io.Serializable {
        @Serial
        Object readResolve() throws ObjectStreamException {
            return attach(name);
        }
    }
}
