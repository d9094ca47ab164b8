package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.SharedEvent;
import io.github.multiprocessing4j.SharedLock;
import io.github.multiprocessing4j.SharedLong;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.SharedSemaphore;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.pool.PoolTraining;
import io.github.multiprocessing4j.spi.Codec;

/**
 * The workload a training worker runs so the AOT cache holds what a real worker loads and links:
 * decoding and running serialized lambdas, encoding and decoding exceptions, serving a pool
 * ({@link PoolTraining}), putting to and taking from queues and pipes (a producer thread and this
 * one), two threads incrementing a shared value under its lock and atomically, and map calls
 * through a manager, so that a worker's first messages, lock calls and manager calls do not run
 * with cold profiles (JEP 515 keeps the profiles in the cache).
 */
final class AotTraining {

    private static final int ROUNDS = 300;
    /** Messages per kind through a queue and a pipe: enough for the JIT to compile the paths. */
    private static final int MESSAGES = 5_000;
    /** Calls of each kind through a manager. */
    private static final int MANAGER_CALLS = 3_000;
    /** Increments per thread and kind on a shared value. */
    private static final int INCREMENTS = 50_000;

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
        sink += sync();
        sink += manager();
        System.out.println("trained " + sink);
    }

    /**
     * Two threads (this one and a helper) each add one to a shared long {@link #INCREMENTS} times
     * under its lock, then as many times atomically, so that the lock's contended and uncontended
     * paths are both profiled; then an event and a semaphore round.
     */
    private static long sync() {
        try (Context context = Multiprocessing.threads(); SharedLong counter = context.sharedLong(0);
                SharedSemaphore permits = context.semaphore(1); SharedEvent done = context.event()) {
            Thread helper = Thread.ofPlatform().daemon().name("aot-training-sync").start(() -> {
                try {
                    increments(counter, permits);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.set();
                }
            });
            increments(counter, permits);
            done.await();
            helper.join();
            return counter.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        }
    }

    /** Map calls through a manager served by a thread of this JVM: the manager's side of every call. */
    private static long manager() {
        try (Context context = Multiprocessing.threads();
                io.github.multiprocessing4j.manager.Manager manager = context.manager()) {
            java.util.Map<Integer, Integer> map = manager.dict();
            long sum = 0;
            for (int i = 0; i < MANAGER_CALLS; i++) {
                map.put(i & 255, i);
                sum += map.get(i & 255);
            }
            return sum;
        }
    }

    private static void increments(SharedLong counter, SharedSemaphore permits) throws InterruptedException {
        SharedLock lock = counter.lock();
        for (int i = 0; i < INCREMENTS; i++) {
            lock.lock();
            try {
                counter.set(counter.get() + 1);
            } finally {
                lock.unlock();
            }
        }
        for (int i = 0; i < INCREMENTS; i++) {
            counter.incrementAndGet();
        }
        for (int i = 0; i < INCREMENTS / 10; i++) {
            permits.acquire();
            permits.release();
        }
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
