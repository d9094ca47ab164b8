package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.ipc.RingClosedException;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import io.github.multiprocessing4j.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker side of a process pool: reads request frames from the shared region, runs each
 * unit's items in order, and writes their results back. Runs on the worker JVM's main thread.
 *
 * <p>Before each item it publishes {@code started + 1}, after it {@code finished + 1}; the parent
 * uses the pair to find the running item. Results are written per unit, at the latest when the
 * request frame is done; a frame of many quick units is answered in a few large frames.
 *
 * <p>An {@link OutOfMemoryError} or other {@link VirtualMachineError} (except a stack overflow)
 * thrown by a task leaves the JVM in doubt: the worker prints it and halts with status 3, and the
 * parent reports the item as crashed and starts a fresh worker.
 */
public final class PoolServer {

    /** Exit status after a task threw a {@link VirtualMachineError}. */
    static final int VM_ERROR_STATUS = 3;
    private static final int FLUSH_BYTES = 256 * 1024;
    private static final long FLUSH_NANOS = 1_000_000;

    private final Codec codec;
    private final PoolRegion region;
    private final Map<Integer, Object> functions = new HashMap<>();
    private final Bytes in = new Bytes(64 * 1024);
    private final Bytes out = new Bytes(64 * 1024);
    private long started;
    private long finished;
    private long busyNanos;
    private long lastFlush;

    PoolServer(Codec codec, PoolRegion region) {
        this.codec = codec;
        this.region = region;
    }

    /**
     * Serves a pool until the parent closes the request ring, then exits the JVM with status 0.
     * Payload: codec name, region path (modified UTF-8), then the encoded initializer or nothing.
     *
     * @param payload the {@code POOL} frame's payload
     * @param name the worker's name, for messages
     */
    public static void serve(byte[] payload, String name) {
        Codec codec;
        PoolRegion region;
        int initializerAt;
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
            codec = Codecs.byName(data.readUTF());
            Path path = Path.of(data.readUTF());
            initializerAt = payload.length - data.available();
            region = PoolRegion.open(SharedRegion.attach(path).segment());
        } catch (IOException | RuntimeException e) {
            System.err.println("multiprocessing4j pool worker '" + name + "': bad pool set-up: " + e);
            System.err.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        PoolServer server = new PoolServer(codec, region);
        if (initializerAt < payload.length && !server.initialize(payload, initializerAt, name)) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        server.loop();
        System.out.flush();
        System.err.flush();
        // exit, not halt: the shutdown hook closes the control socket first, so HotSpot does not
        // wait ~300 ms for the parent-watch thread blocked in a socket read
        System.exit(0);
    }

    private boolean initialize(byte[] payload, int offset, String name) {
        try {
            SerializableRunnable initializer = (SerializableRunnable) TaskEncoding.decode(codec, payload, offset,
                    payload.length - offset);
            initializer.run();
            return true;
        } catch (Throwable failure) {
            fatalIfVmError(failure);
            System.err.println("Pool worker " + name + ": initializer failed:");
            failure.printStackTrace();
            out.clear();
            out.write(Wire.R_INIT_FAILED);
            byte[] encoded = RemoteThrowables.encode(codec, failure);
            out.write(encoded, 0, encoded.length);
            try {
                region.responses.write(out);
            } catch (InterruptedException | RingClosedException e) {
                // the parent sees the exit status instead
            }
            return false;
        }
    }

    /** Serves requests until the request ring is closed (or this thread is interrupted). */
    void loop() {
        try {
            out.clear();
            out.write(Wire.R_READY);
            region.responses.write(out);
            out.clear();
            while (true) {
                region.requests.read(in, -1);
                handle(new Wire.Reader(in.array(), 0, in.size(), codec));
                flush();
            }
        } catch (RingClosedException e) {
            // the parent retires this worker
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Wire.Reader reader) throws InterruptedException {
        lastFlush = System.nanoTime();
        while (reader.hasMore()) {
            byte op = reader.readByte();
            switch (op) {
                case Wire.OP_DEFINE -> {
                    int id = reader.readInt();
                    byte[] bytes = reader.readBytes();
                    Object function;
                    try {
                        function = TaskEncoding.decode(codec, bytes, 0, bytes.length);
                    } catch (RuntimeException | LinkageError e) {
                        function = new Undecodable(e);
                    }
                    functions.put(id, function);
                }
                case Wire.OP_FORGET -> functions.clear();
                case Wire.OP_UNIT -> runUnit(reader);
                default -> throw new IllegalStateException("corrupt pool request: op " + op);
            }
        }
    }

    /** A function that could not be decoded here: every item that uses it fails with the reason. */
    private record Undecodable(Throwable reason) {
    }

    private void runUnit(Wire.Reader reader) throws InterruptedException {
        long unitId = reader.readLong();
        int fnId = reader.readInt();
        byte kind = reader.readByte();
        Object function = functions.get(fnId);
        Object[] args;
        Throwable argFailure = null;
        int count;
        int blockStart = reader.position;
        try {
            args = reader.readBlock();
            count = args.length;
        } catch (RuntimeException | LinkageError e) {
            // an argument that cannot be decoded here fails its whole unit; skip the block
            reader.position = blockStart;
            count = reader.skipBlock();
            args = new Object[count];
            argFailure = e;
        }
        Object[] results = new Object[count];
        Throwable[] errors = null;
        long begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            region.setStarted(++started);
            Throwable failure = argFailure;
            if (failure == null) {
                if (function == null) {
                    failure = new IllegalStateException("pool protocol: function " + fnId + " was never defined");
                } else if (function instanceof Undecodable(Throwable reason)) {
                    failure = new IllegalStateException("the task's function cannot be decoded in the worker: " + reason,
                            reason);
                } else {
                    try {
                        results[i] = Wire.invoke(kind, function, args[i]);
                    } catch (Throwable t) {
                        fatalIfVmError(t);
                        failure = t;
                    }
                }
            }
            args[i] = null;
            if (failure != null) {
                if (errors == null) {
                    errors = new Throwable[count];
                }
                errors[i] = failure;
            }
            region.setFinished(++finished);
        }
        busyNanos += System.nanoTime() - begin;
        if (out.size() == 0) {
            out.write(Wire.R_RESULTS);
            out.writeLong(0); // busy nanos, filled in at flush
        }
        out.writeLong(unitId);
        writeResults(results, errors, count);
        long now = System.nanoTime();
        if (out.size() >= FLUSH_BYTES || now - lastFlush >= FLUSH_NANOS) {
            flush();
        }
    }

    /** Results of a unit: a status byte (all ok, or per item), then the block or the items. */
    private void writeResults(Object[] results, Throwable[] errors, int count) {
        if (errors == null) {
            int mark = out.size();
            out.write(Wire.ITEM_OK);
            try {
                Wire.writeBlock(out, results, 0, count, codec, "result");
                return;
            } catch (RuntimeException e) {
                out.truncate(mark); // a result cannot be encoded: report item by item
            }
        }
        out.write(Wire.ITEM_FAILED);
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            Throwable failure = errors == null ? null : errors[i];
            if (failure == null) {
                int mark = out.size();
                out.write(Wire.ITEM_OK);
                try {
                    Wire.writeValue(out, results[i], codec, "result");
                    continue;
                } catch (RuntimeException e) {
                    out.truncate(mark);
                    failure = e;
                }
            }
            out.write(Wire.ITEM_FAILED);
            byte[] encoded = RemoteThrowables.encode(codec, failure);
            out.writeInt(encoded.length);
            out.write(encoded, 0, encoded.length);
        }
    }

    private void flush() throws InterruptedException {
        if (out.size() == 0) {
            return;
        }
        // busy nanos go right after the frame type
        byte[] array = out.array();
        for (int i = 0; i < 8; i++) {
            array[1 + i] = (byte) (busyNanos >>> (8 * i));
        }
        busyNanos = 0;
        region.responses.write(out);
        out.clear();
        lastFlush = System.nanoTime();
    }

    private static void fatalIfVmError(Throwable failure) {
        if (failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError)) {
            System.err.println("multiprocessing4j pool worker: task threw " + failure + "; halting with status "
                    + VM_ERROR_STATUS + " so a fresh worker replaces this one");
            failure.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(VM_ERROR_STATUS);
        }
    }
}
