package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.ipc.SyncRegions;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.nio.file.Path;

/**
 * The serialized form of a {@link SharedBarrier}, {@link SharedEvent} or {@link SharedSemaphore}:
 * its file and kind. On arrival it attaches to the same object (one per file in each JVM).
 *
 * @param path the shared file
 * @param kind the object's {@code KIND}
 */
record SyncRef(String path, String kind) implements java.io.Serializable {

    @Serial
    Object readResolve() throws ObjectStreamException {
        Path file = Path.of(path);
        return switch (kind) {
            case SharedBarrier.KIND -> SyncRegions.attach(file, kind, SharedBarrier.class, SharedBarrier::new);
            case SharedEvent.KIND -> SyncRegions.attach(file, kind, SharedEvent.class, SharedEvent::new);
            case SharedSemaphore.KIND -> SyncRegions.attach(file, kind, SharedSemaphore.class, SharedSemaphore::new);
            default -> throw new InvalidObjectException("not a shared synchronizer kind: " + kind);
        };
    }
}
