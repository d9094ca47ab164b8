package io.github.multiprocessing4j.internal.ipc;

import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The shared-memory files of locks, semaphores, events, barriers, shared values and arrays: a
 * 64-byte header (magic, kind, two parameters) then the object's words. Each JVM keeps one Java
 * object per file ({@link #attach}), so that per-JVM state such as which thread holds a lock is
 * shared by every reference to it in that JVM.
 */
public final class SyncRegions {

    /** Where an object's own words start. */
    public static final long BODY = 64;

    private static final long MAGIC = 0x434E59534A34504DL; // "MP4JSYNC"
    private static final long MAGIC_OFFSET = 0;
    private static final long KIND_OFFSET = 8;
    private static final long INT_PARAMETER = 12;
    private static final long LONG_PARAMETER = 16;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The Java object of each file this JVM created or attached. */
    private static final Map<Path, Object> OBJECTS = new ConcurrentHashMap<>();

    private SyncRegions() {
    }

    /**
     * Creates a file for a new object, owned by this process.
     *
     * @param kind the object's kind, also part of the file name ("lock", "semaphore", ...)
     * @param bytes the total size, header included
     * @param intParameter a parameter fixed at creation (parties, bound...)
     * @param longParameter another (an array's length...)
     * @return the region
     */
    public static SharedRegion create(String kind, long bytes, int intParameter, long longParameter) {
        SharedRegion region = SharedRegion.create(kind, bytes);
        MemorySegment segment = region.segment();
        segment.set(ValueLayout.JAVA_INT, KIND_OFFSET, kind.hashCode());
        segment.set(ValueLayout.JAVA_INT, INT_PARAMETER, intParameter);
        segment.set(ValueLayout.JAVA_LONG, LONG_PARAMETER, longParameter);
        LONG.setRelease(segment, MAGIC_OFFSET, MAGIC);
        return region;
    }

    /**
     * Registers the Java object of a region this process just created.
     *
     * @param <T> its type
     * @param region the region
     * @param object the object over it
     * @return {@code object}
     */
    public static <T> T register(SharedRegion region, T object) {
        OBJECTS.put(region.path(), object);
        return object;
    }

    /**
     * The Java object over the file at {@code path} in this JVM, attaching it the first time.
     *
     * @param <T> its type
     * @param path the file
     * @param kind the kind it must have
     * @param type the Java type it must have
     * @param wrap makes the object over a newly attached region
     * @return the object
     * @throws IllegalStateException if the file is gone or holds another kind of object
     */
    public static <T> T attach(Path path, String kind, Class<T> type, Function<SharedRegion, T> wrap) {
        Object object = OBJECTS.computeIfAbsent(path, p -> {
            SharedRegion region = SharedRegion.attach(p);
            MemorySegment segment = region.segment();
            if (segment.byteSize() < BODY || (long) LONG.getAcquire(segment, MAGIC_OFFSET) != MAGIC
                    || segment.get(ValueLayout.JAVA_INT, KIND_OFFSET) != kind.hashCode()) {
                region.close();
                throw new IllegalStateException("not a shared " + kind + ": " + p);
            }
            try {
                return wrap.apply(region);
            } catch (RuntimeException e) {
                region.close();
                throw e;
            }
        });
        if (!type.isInstance(object)) {
            throw new IllegalStateException("shared object " + path.getFileName() + " is a "
                    + object.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(object);
    }

    /**
     * The parameter fixed at creation.
     *
     * @param region the region
     * @return the int parameter
     */
    public static int intParameter(SharedRegion region) {
        return region.segment().get(ValueLayout.JAVA_INT, INT_PARAMETER);
    }

    /**
     * The long parameter fixed at creation.
     *
     * @param region the region
     * @return the long parameter
     */
    public static long longParameter(SharedRegion region) {
        return region.segment().get(ValueLayout.JAVA_LONG, LONG_PARAMETER);
    }

    /**
     * Forgets a region's object and unmaps it (the owner also unlinks the file). Idempotent.
     *
     * @param region the region
     */
    public static void close(SharedRegion region) {
        OBJECTS.remove(region.path());
        region.close();
    }
}
