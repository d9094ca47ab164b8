package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What shared values and arrays have in common: a shared-memory file holding the data and a
 * {@link SharedLock} for compound updates, passed to workers as a reference.
 */
abstract sealed class SharedCell implements AutoCloseable, java.io.Serializable
        permits SharedLong, SharedInt, SharedDouble, SharedArray {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Where a single value lives. */
    static final long VALUE = SyncRegions.BODY;
    /** Where the lock lives. */
    static final long LOCK = 1024;
    /** Where an array's elements start. */
    static final long DATA = LOCK + SharedLock.LENGTH;

    final transient SharedRegion region;
    final transient MemorySegment segment;
    private final transient SharedLock lock;
    private final transient String kind;

    SharedCell(SharedRegion region, String kind) {
        this.region = region;
        this.segment = region.segment();
        this.kind = kind;
        this.lock = new SharedLock(region, LOCK, false, kind);
    }

    /** Creates the file of a new value or array with {@code dataBytes} after {@link #DATA}. */
    static <T extends SharedCell> T create(String kind, long dataBytes, long length, Function<SharedRegion, T> wrap) {
        SharedRegion region = SyncRegions.create(kind, DATA + dataBytes, 0, length);
        try {
            return SyncRegions.register(region, wrap.apply(region));
        } catch (RuntimeException e) {
            SyncRegions.close(region);
            throw e;
        }
    }

    /** The object over the file at {@code path} in this JVM. */
    static SharedCell attach(String kind, Path path) {
        return SyncRegions.attach(path, kind, SharedCell.class, region -> switch (kind) {
            case SharedLong.KIND -> new SharedLong(region);
            case SharedInt.KIND -> new SharedInt(region);
            case SharedDouble.KIND -> new SharedDouble(region);
            case SharedLongArray.KIND -> new SharedLongArray(region);
            case SharedIntArray.KIND -> new SharedIntArray(region);
            case SharedDoubleArray.KIND -> new SharedDoubleArray(region);
            case SharedByteArray.KIND -> new SharedByteArray(region);
            default -> throw new IllegalStateException("unknown shared value kind " + kind);
        });
    }

    /**
     * The lock for compound updates, shared by every process: Python's {@code get_lock()}. The
     * atomic methods do not need it; a read-modify-write of several calls does.
     *
     * @return the lock
     */
    public SharedLock lock() {
        return lock;
    }

    /** Removes the shared memory (in the creating process; elsewhere only unmaps it). Idempotent. */
    @Override
    public void close() {
        SyncRegions.close(region);
    }

    String name() {
        return region.path().getFileName().toString();
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return new Ref(kind, region.path().toString());
    }

    /** The serialized form: the kind and the file. */
    private record Ref(String kind, String path) implements java.io.Serializable {
        @Serial
        Object readResolve() throws ObjectStreamException {
            return attach(kind, Path.of(path));
        }
    }
}
