package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.context.SharedObjects;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.spi.Codec;

/**
 * Creates the shared-object types for the contexts (their constructors are package-private);
 * installed in {@link SharedObjects} when this class is initialized.
 */
final class SharedObjectFactory implements SharedObjects.Factory {

    static {
        SharedObjects.install(new SharedObjectFactory());
    }

    private SharedObjectFactory() {
    }

    @Override
    public <E> SharedQueue<E> queue(QueueCore core, Codec codec, boolean joinable) {
        return joinable ? new JoinableQueue<>(core, codec) : new SharedQueue<>(core, codec);
    }

    @Override
    public <T> Pipe<T> pipe(QueueCore toFirst, QueueCore toSecond, Codec codec) {
        return toSecond == null
                ? new Pipe<>(new Connection<>(toFirst, null, codec), new Connection<>(null, toFirst, codec))
                : new Pipe<>(new Connection<>(toFirst, toSecond, codec), new Connection<>(toSecond, toFirst, codec));
    }

    @Override
    public <T extends AutoCloseable> T sync(Class<T> type, long parameter, boolean bounded) {
        Object created;
        if (type == SharedLock.class) {
            created = SharedLock.create(parameter != 0);
        } else if (type == SharedSemaphore.class) {
            created = SharedSemaphore.create(Math.toIntExact(parameter), bounded);
        } else if (type == SharedEvent.class) {
            created = SharedEvent.create();
        } else if (type == SharedBarrier.class) {
            created = SharedBarrier.create(Math.toIntExact(parameter));
        } else if (type == SharedLong.class) {
            created = SharedLong.create(parameter);
        } else if (type == SharedInt.class) {
            created = SharedInt.create(Math.toIntExact(parameter));
        } else if (type == SharedDouble.class) {
            created = SharedDouble.create(Double.longBitsToDouble(parameter));
        } else if (type == SharedLongArray.class) {
            created = SharedLongArray.create(Math.toIntExact(parameter));
        } else if (type == SharedIntArray.class) {
            created = SharedIntArray.create(Math.toIntExact(parameter));
        } else if (type == SharedDoubleArray.class) {
            created = SharedDoubleArray.create(Math.toIntExact(parameter));
        } else if (type == SharedByteArray.class) {
            created = SharedByteArray.create(Math.toIntExact(parameter));
        } else if (type == SharedMemory.class) {
            created = SharedMemory.create(parameter);
        } else {
            throw new IllegalArgumentException("not a shared object type: " + type.getName());
        }
        return type.cast(created);
    }
}
