package io.github.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file in shared memory mapped into this process: the storage of every cross-process structure.
 *
 * <p>One process creates a region and owns it: closing the owner's region unmaps and unlinks the
 * file. Other processes attach by path; closing an attached region only unmaps it. An unlinked
 * file stays valid for processes that still map it, so a worker never faults because its parent
 * closed first. Regions attached in a process are cached by path, so the many references a
 * deserialized object graph holds to one queue share one mapping.
 *
 * <p>The segment is mapped with a shared arena: any thread may use it, and {@link #close()} must
 * only be called when no thread still does (the structures built on regions guarantee that).
 */
public final class SharedRegion implements AutoCloseable {

    private static final Map<Path, SharedRegion> ATTACHED = new ConcurrentHashMap<>();

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final boolean owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SharedRegion(Path path, Arena arena, MemorySegment segment, boolean owner) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.owner = owner;
    }

    /**
     * Creates an owner-only file of {@code size} zero bytes and maps it. An interrupt does not make
     * it fail (a file channel closes itself when its thread is interrupted): the region is created
     * anyway and the interrupt is kept for the caller.
     *
     * @param kind what the region holds, part of the file name (for example {@code queue})
     * @param size its size in bytes
     * @return the owned region
     * @throws UncheckedIOException if it cannot be created
     */
    public static SharedRegion create(String kind, long size) {
        return uninterrupted(() -> createOnce(kind, size));
    }

    /** Runs a file operation with the interrupt flag cleared, again if an interrupt closed its channel. */
    private static SharedRegion uninterrupted(java.util.function.Supplier<SharedRegion> operation) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return operation.get();
                } catch (UncheckedIOException e) {
                    if (!(e.getCause() instanceof java.nio.channels.ClosedByInterruptException)) {
                        throw e;
                    }
                    interrupted = true;
                    Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SharedRegion createOnce(String kind, long size) {
        Path path = SharedFiles.newPath(kind);
        Arena arena = null;
        try (FileChannel channel = SharedFiles.create(path, size)) {
            arena = Arena.ofShared();
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new SharedRegion(path, arena, segment, true);
        } catch (IOException | RuntimeException e) {
            if (arena != null) {
                arena.close();
            }
            SharedFiles.unlink(path);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot map shared file " + path + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Maps a region another process created, or returns this process's mapping of it.
     *
     * @param path the file
     * @return the attached region
     * @throws IllegalStateException if the file no longer exists (its owner closed it or died)
     */
    public static SharedRegion attach(Path path) {
        return uninterrupted(() -> attachOnce(path));
    }

    private static SharedRegion attachOnce(Path path) {
        SharedRegion region = ATTACHED.get(path);
        if (region != null && !region.closed.get()) {
            return region;
        }
        synchronized (ATTACHED) {
            region = ATTACHED.get(path);
            if (region != null && !region.closed.get()) {
                return region;
            }
            Arena arena = Arena.ofShared();
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
                region = new SharedRegion(path, arena, segment, false);
                ATTACHED.put(path, region);
                return region;
            } catch (NoSuchFileException e) {
                arena.close();
                throw new IllegalStateException("shared object " + path.getFileName()
                        + " no longer exists: the context that created it was closed, or its process died", e);
            } catch (IOException e) {
                arena.close();
                throw new UncheckedIOException("cannot attach shared file " + path + ": " + e, e);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /**
     * The mapped memory.
     *
     * @return the segment, valid until {@link #close()}
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /**
     * Whether this process created the region.
     *
     * @return {@code true} for the owner
     */
    public boolean isOwner() {
        return owner;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed.get();
    }

    /** Unmaps the region and, for the owner, removes the file. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (!owner) {
                ATTACHED.remove(path, this);
            }
            arena.close();
            if (owner) {
                SharedFiles.unlink(path);
            }
        }
    }

    @Override
    public String toString() {
        return "SharedRegion[" + path.getFileName() + ", " + segment.byteSize() + " bytes" + (owner ? ", owner" : "")
                + (closed.get() ? ", closed" : "") + "]";
    }
}
