package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.pool.PoolTraining;
import io.github.multiprocessing4j.spi.Codec;

/**
 * The workload a training worker runs so the AOT cache holds what a real worker loads and links:
 * decoding and running serialized lambdas, encoding and decoding exceptions, serving a pool
 * ({@link PoolTraining}), and putting to and taking from queues and pipes (a producer thread and
 * this one), so that a worker's first messages do not run in the interpreter with cold profiles.
 */
final class AotTraining {

    private static final int ROUNDS = 300;
    /** Messages per kind through a queue and a pipe: enough for the JIT to compile the paths. */
    private static final int MESSAGES = 5_000;

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
        sink += queues();
        System.out.println("trained " + sink);
    }

    private static long queues() {
        try (Context context = Multiprocessing.threads(); SharedQueue<Object> queue = context.queue()) {
            Pipe<Object> pipe = context.pipe(true);
            Thread producer = Thread.ofPlatform().daemon().name("aot-training-producer").start(() -> {
                try {
                    byte[] payload = new byte[1024];
                    for (int i = 0; i < MESSAGES; i++) {
                        queue.put(i);
                        queue.put(payload);
                        pipe.second().send(i);
                        pipe.second().sendBytes(payload);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long sum = 0;
            Connection<Object> in = pipe.first();
            for (int i = 0; i < MESSAGES; i++) {
                sum += (Integer) queue.take() + ((byte[]) queue.take()).length;
                sum += (Integer) in.recv() + in.recvBytes().length;
            }
            producer.join();
            return sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        }
    }
}
