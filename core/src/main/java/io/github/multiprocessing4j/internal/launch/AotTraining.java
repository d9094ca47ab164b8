package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.pool.PoolTraining;
import io.github.multiprocessing4j.spi.Codec;

/**
 * The workload a training worker runs so the AOT cache holds what a real worker loads and links:
 * decoding and running serialized lambdas, encoding and decoding exceptions, and serving a pool
 * ({@link PoolTraining}).
 */
final class AotTraining {

    private static final int ROUNDS = 300;

    private AotTraining() {
    }

    static void run() {
        Codec codec = Codecs.byName("jdk");
        long sink = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int captured = i;
            SerializableRunnable target = () -> {
                if (captured < 0) {
                    throw new IllegalStateException("never");
                }
            };
            byte[] bytes = TaskEncoding.encode(codec, target, "target");
            try {
                ((SerializableRunnable) TaskEncoding.decode(codec, bytes, 0, bytes.length)).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Throwable back = RemoteThrowables.decode(codec, RemoteThrowables.encode(codec,
                    new RemoteException("training.Example", "round " + i, null)));
            sink += back.getStackTrace().length + bytes.length;
        }
        sink += PoolTraining.run(ROUNDS);
        System.out.println("trained " + sink);
    }
}
