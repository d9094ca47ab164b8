package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableBiFunction;
import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.ipc.RingClosedException;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import io.github.multiprocessing4j.spi.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pool part of the AOT training workload: a {@link PoolServer} on this JVM's main thread
 * serves a parent played by a second thread over a real shared region, so the worker's AOT cache
 * holds the pool's classes (rings, wire format, result encoding, remote exceptions) already loaded
 * and linked, with their profiles. Without it a new pool worker loads them on its first task.
 */
public final class PoolTraining {

    private PoolTraining() {
    }

    /**
     * Runs {@code rounds} request/response exchanges through a pool server in this JVM and returns
     * a checksum of the results (so the work cannot be optimised away).
     *
     * @param rounds how many request frames the fake parent sends
     * @return the sum of the integer results
     * @throws IllegalStateException if the exchange did not go as a real pool's would
     */
    public static long run(int rounds) {
        Codec codec = Codecs.byName("jdk");
        try (SharedRegion region = SharedRegion.create("aot-training", PoolRegion.LENGTH)) {
            PoolRegion rings = PoolRegion.format(region.segment());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] checksum = new long[1];
            Thread parent = Thread.ofPlatform().daemon().name("aot-training-parent").start(() -> {
                try {
                    checksum[0] = playParent(rings, codec, rounds);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    rings.requests.close();
                }
            });
            new PoolServer(codec, rings).loop();
            try {
                parent.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("pool training failed", failure.get());
            }
            return checksum[0];
        }
    }

    private static long playParent(PoolRegion rings, Codec codec, int rounds) throws InterruptedException,
            RingClosedException {
        SerializableFunction<Object, Object> increment = x -> (Integer) x + 1;
        SerializableFunction<Object, Object> describe = x -> String.valueOf(x).length();
        SerializableFunction<Object, Object> failing = x -> {
            throw new IllegalArgumentException("training failure for " + x);
        };
        SerializableBiFunction<Object, Object, Object> add = (a, b) -> (Integer) a + (Integer) b;
        Object[] functions = {increment, describe, failing, add};
        byte[] kinds = {Wire.KIND_FUNCTION, Wire.KIND_FUNCTION, Wire.KIND_FUNCTION, Wire.KIND_BIFUNCTION};
        Bytes out = new Bytes(64 * 1024);
        Bytes in = new Bytes(64 * 1024);
        rings.responses.read(in, -1);
        if (in.array()[0] != Wire.R_READY) {
            throw new IllegalStateException("no READY from the training server");
        }
        long sum = 0;
        long unitId = 0;
        for (int round = 0; round < rounds; round++) {
            out.clear();
            if (round == 0) {
                for (int id = 0; id < functions.length; id++) {
                    byte[] bytes = TaskEncoding.encode(codec, functions[id], "function");
                    out.write(Wire.OP_DEFINE);
                    out.writeInt(id);
                    out.writeInt(bytes.length);
                    out.write(bytes, 0, bytes.length);
                }
            }
            for (int id = 0; id < functions.length; id++) {
                Object[] args = arguments(id, round, codec);
                out.write(Wire.OP_UNIT);
                out.writeLong(unitId++);
                out.writeInt(id);
                out.write(kinds[id]);
                Wire.writeBlock(out, args, 0, args.length, codec, "argument");
            }
            rings.requests.write(out);
            int units = 0;
            while (units < functions.length) {
                rings.responses.read(in, -1);
                Wire.Reader reader = new Wire.Reader(in.array(), 0, in.size(), codec);
                if (reader.readByte() != Wire.R_RESULTS) {
                    throw new IllegalStateException("unexpected response from the training server");
                }
                reader.readLong(); // busy nanos
                while (reader.hasMore()) {
                    sum += readUnit(reader, codec);
                    units++;
                }
            }
        }
        return sum;
    }

    /** Arguments of one unit: packed ints, a mixed block, or pairs, as real calls send them. */
    private static Object[] arguments(int function, int round, Codec codec) {
        return switch (function) {
            case 0 -> new Object[] {round, round + 1, round + 2};
            case 1 -> new Object[] {"item " + round, (long) round,
                Wire.prepare(codec, new ArrayList<>(List.of(round)), "argument"), null};
            case 2 -> new Object[] {round};
            default -> new Object[] {new Wire.Pair(round, 1)};
        };
    }

    private static long readUnit(Wire.Reader reader, Codec codec) {
        reader.readLong(); // unit id
        long sum = 0;
        if (reader.readByte() == Wire.ITEM_OK) {
            for (Object value : reader.readBlock()) {
                sum += value instanceof Integer i ? i : 0;
            }
            return sum;
        }
        int count = reader.readInt();
        for (int i = 0; i < count; i++) {
            if (reader.readByte() == Wire.ITEM_OK) {
                Object value = reader.readValue();
                sum += value instanceof Integer v ? v : 0;
            } else {
                sum += RemoteThrowables.decode(codec, reader.readBytes()).getMessage().length();
            }
        }
        return sum;
    }
}
