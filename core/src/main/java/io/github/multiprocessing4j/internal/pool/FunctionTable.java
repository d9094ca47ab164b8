package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.spi.Codec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Gives each distinct function an id, so a worker decodes it once and later units only name it.
 * Functions are encoded in the caller's thread; equal encodings share an id. A function object
 * without state (a non-capturing lambda or method reference, a singleton) is remembered by
 * identity and not even encoded again. Both tables are bounded and simply cleared when full; ids
 * are never reused, and every unit carries its function's bytes so a worker can always be told.
 * Thread-safe.
 */
final class FunctionTable {

    /** A function's id and encoding. */
    record Ref(int id, byte[] bytes) {
    }

    private static final int MAX_ENTRIES = 512;

    private static final ClassValue<Boolean> STATELESS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        return false;
                    }
                }
            }
            return true;
        }
    };

    private final Codec codec;
    private final Map<Object, Ref> byIdentity = new IdentityHashMap<>();
    private final Map<ByteBuffer, Ref> byContent = new HashMap<>();
    private int nextId = 1;

    FunctionTable(Codec codec) {
        this.codec = codec;
    }

    /**
     * The reference of {@code function}, encoding it if needed.
     *
     * @throws io.github.multiprocessing4j.NotSerializableTaskException if it cannot be encoded
     */
    Ref refFor(Object function) {
        boolean stateless = STATELESS.get(function.getClass());
        if (stateless) {
            synchronized (this) {
                Ref known = byIdentity.get(function);
                if (known != null) {
                    return known;
                }
            }
        }
        byte[] bytes = TaskEncoding.encode(codec, function, "function");
        synchronized (this) {
            ByteBuffer key = ByteBuffer.wrap(bytes);
            Ref ref = byContent.get(key);
            if (ref == null) {
                if (byContent.size() >= MAX_ENTRIES) {
                    byContent.clear();
                }
                ref = new Ref(nextId++, bytes);
                byContent.put(key, ref);
            }
            if (stateless) {
                if (byIdentity.size() >= MAX_ENTRIES) {
                    byIdentity.clear();
                }
                byIdentity.put(function, ref);
            }
            return ref;
        }
    }
}
