package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shm.SharedFiles;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>One process owns the block: the one that created it. Closing the owner's handle removes the
 * name (processes that still map it keep their mapping until they close); closing any other
 * handle only gives up that handle. In a JVM all handles to a block share one mapping, unmapped
 * when the last one closes; a block received in a task is a handle the worker need not close. If the owner dies, the next process that creates shared
 * objects sweeps the file. The memory starts zeroed and has no structure; concurrent access needs
 * the usual care (a {@link SharedLock}, or atomic access through a {@code VarHandle}). The segment
 * must not be used after {@link #close()}. Instances are thread-safe.
 */
public final class SharedMemory implements AutoCloseable, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static final String KIND = "shm";

    /** This JVM's mapping of each block it created or attached, with how many open handles use it. */
    private static final Map<Path, Mapping> MAPPINGS = new ConcurrentHashMap<>();

    /** One mapping, shared by every handle to the block in this JVM. */
    private static final class Mapping {
        final SharedRegion region;
        int handles;

        Mapping(SharedRegion region) {
            this.region = region;
        }
    }

    private final transient Mapping mapping;
    private final transient boolean owner;
    private final transient AtomicBoolean closed = new AtomicBoolean();

    private SharedMemory(Mapping mapping, boolean owner) {
        this.mapping = mapping;
        this.owner = owner;
    }

    static SharedMemory create(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("size: " + bytes + " bytes (expected: at least 1)");
        }
        Mapping mapping = new Mapping(SharedRegion.create(KIND, bytes));
        mapping.handles = 1;
        MAPPINGS.put(mapping.region.path(), mapping);
        return new SharedMemory(mapping, true);
    }

    /**
     * Maps the block called {@code name}, created by another process (or this one). Every handle
     * to one block in a JVM shares one mapping, which is unmapped when the last handle closes.
     *
     * @param name a block's {@link #name()}
     * @return a new handle, not the owner: closing it does not remove the block
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
        Mapping mapping = MAPPINGS.compute(SharedFiles.directory().resolve(name), (path, existing) -> {
            Mapping m = existing != null ? existing : new Mapping(SharedRegion.attach(path));
            m.handles++;
            return m;
        });
        return new SharedMemory(mapping, false);
    }

    /**
     * The block's name, by which other processes {@linkplain #attach(String) attach} it.
     *
     * @return the name
     */
    public String name() {
        return mapping.region.path().getFileName().toString();
    }

    /**
     * The memory.
     *
     * @return the segment, valid until {@link #close()}
     */
    public MemorySegment segment() {
        return mapping.region.segment();
    }

    /**
     * The size.
     *
     * @return bytes
     */
    public long byteSize() {
        return mapping.region.segment().byteSize();
    }

    /**
     * Whether this process created (and so owns) the block.
     *
     * @return {@code true} in the owner
     */
    public boolean isOwner() {
        return owner;
    }

    /**
     * Closes this handle; the block is unmapped in this JVM once its last handle closes. The
     * owner's handle also removes the block's name (Python's {@code close()} and {@code unlink()}):
     * nobody can attach it any more, and those who have it keep it until they close. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Path path = mapping.region.path();
        if (owner) {
            SharedFiles.unlink(path);
        }
        MAPPINGS.computeIfPresent(path, (p, m) -> {
            if (m == mapping && --m.handles == 0) {
                m.region.close();
                return null;
            }
            return m;
        });
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
