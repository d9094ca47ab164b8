package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.WorkerCrashedException;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.ipc.RingClosedException;
import io.github.multiprocessing4j.internal.launch.Frames;
import io.github.multiprocessing4j.internal.launch.WorkerJvm;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import io.github.multiprocessing4j.internal.util.Threads;
import io.github.multiprocessing4j.spi.Codec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A pool worker that is a JVM. The parent side has two threads: a dispatcher that writes batches
 * of units to the request ring, and a reader that takes results from the response ring and
 * completes them. The worker's death is seen through its process exit (not a timeout): the rings
 * are then closed, the reader drains what the worker published and reports the worker gone.
 */
final class ProcessPoolWorker extends PoolWorker {

    /** Most functions a worker keeps before it is told to forget them all. */
    private static final int MAX_DEFINED = 1024;
    /** How long a retired worker may take to exit before it is killed. */
    private static final long RETIRE_GRACE_SECONDS = 10;

    private final WorkerPool.JvmLauncher launcher;
    private final Codec codec;
    private final byte[] initializer;
    private volatile SharedRegion region;
    private volatile PoolRegion rings;
    private volatile WorkerJvm jvm;
    private volatile Throwable setupFailure;
    private volatile Thread dispatcher;
    /**
     * A thread (the dispatcher, or a caller handing a call straight to this idle worker) is
     * writing units to the request ring; guarded by the pool lock. {@link #out} and
     * {@link #defined} belong to that thread while it is set.
     */
    private boolean sending;
    /** Threads waiting for {@link #sending} to clear; guarded by the pool lock. */
    private int sendWaiters;
    private final Bytes out = new Bytes(64 * 1024);
    /** The function ids the worker has been sent. */
    private final Set<Integer> defined = new HashSet<>();
    /** Set once the worker has ended: the counters' last values, read before the region is freed. */
    private volatile boolean ended;
    private volatile long lastStarted;
    private volatile long lastFinished;

    ProcessPoolWorker(WorkerPool pool, String name, WorkerPool.JvmLauncher launcher, Codec codec, byte[] initializer) {
        super(pool, name);
        this.launcher = launcher;
        this.codec = codec;
        this.initializer = initializer;
    }

    @Override
    void start() {
        try {
            region = SharedRegion.create("pool", PoolRegion.LENGTH);
            rings = PoolRegion.format(region.segment());
        } catch (RuntimeException e) {
            setupFailure = e;
            if (region != null) {
                region.close();
            }
            pool.workerGone(this);
            return;
        }
        Thread reader = Threads.startDaemon(name + "-results", this::readLoop);
        reader.setContextClassLoader(pool.loader());
        dispatcher = Threads.startDaemon(name + "-dispatch", this::dispatchLoop);
        try {
            WorkerJvm launched = launcher.launch(name);
            jvm = launched;
            launched.sendWhenReady(Frames.POOL, setupPayload());
            launched.exited().whenComplete((ended, error) -> closeRings());
        } catch (RuntimeException e) {
            setupFailure = e;
            closeRings();
        }
    }

    private byte[] setupPayload() {
        Bytes payload = new Bytes(256 + (initializer == null ? 0 : initializer.length));
        try (DataOutputStream out = new DataOutputStream(payload)) {
            out.writeUTF(codec.name());
            out.writeUTF(region.path().toString());
            if (initializer != null) {
                out.write(initializer);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: Bytes does not fail", e);
        }
        return payload.toByteArray();
    }

    private void closeRings() {
        PoolRegion r = rings;
        if (r != null) {
            r.requests.close();
            r.responses.close();
        }
    }

    @Override
    long started() {
        PoolRegion r = rings;
        return ended ? lastStarted : r == null ? 0 : r.started();
    }

    @Override
    long finished() {
        PoolRegion r = rings;
        return ended ? lastFinished : r == null ? 0 : r.finished();
    }

    @Override
    long capacity() {
        double average = pool.averageItemNanos();
        if (average < 0) {
            return 1;
        }
        return Math.clamp((long) (WorkerPool.TARGET_IN_FLIGHT_NANOS / Math.max(average, 1.0)), 1,
                WorkerPool.MAX_IN_FLIGHT_ITEMS);
    }

    @Override
    Throwable crashCause() {
        Throwable failure = setupFailure;
        if (failure != null) {
            return failure;
        }
        WorkerJvm worker = jvm;
        if (worker == null) {
            return new IllegalStateException("worker " + name + " was not launched");
        }
        return new WorkerCrashedException(name, worker.pid(), worker.exitCode(), worker.lastStderrLines());
    }

    @Override
    void kill(Throwable reason) {
        markStopped(reason);
        WorkerJvm worker = jvm;
        if (worker != null) {
            worker.kill();
        } else {
            closeRings();
        }
    }

    // ------------------------------------------------------------------ dispatcher

    private void dispatchLoop() {
        while (true) {
            List<Unit> batch;
            boolean close = false;
            pool.lock.lock();
            try {
                while (true) {
                    if (gone || ended || stopReason != null) {
                        return;
                    }
                    if (sending) {
                        awaitSend(); // a caller is writing a batch it took itself
                        continue;
                    }
                    if (retiring && inFlight.isEmpty()) {
                        close = true;
                        batch = List.of();
                        break;
                    }
                    batch = pool.takeUnits(this);
                    if (!batch.isEmpty()) {
                        sending = true;
                        break;
                    }
                    wake.await();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                pool.lock.unlock();
            }
            if (close) {
                pool.startPending();
                rings.requests.close(); // the worker drains the ring, then exits with 0
                killIfStillAliveLater();
                return;
            }
            boolean sent = send(batch, true); // first: it clears the sending flag whatever happens
            pool.startPending();
            if (!sent) {
                return; // the worker is gone; the reader reports it
            }
        }
    }

    /** Waits, pool lock held, until the thread sending to this worker is done. */
    private void awaitSend() throws InterruptedException {
        sendWaiters++;
        try {
            wake.await();
        } finally {
            sendWaiters--;
        }
    }

    @Override
    boolean canTakeDirectly() {
        return ready && !sending && inFlight.isEmpty() && !gone && !ended && !retiring && stopReason == null;
    }

    @Override
    void beginDirect() {
        sending = true;
    }

    @Override
    void sendDirect(List<Unit> batch) {
        send(batch, false);
    }

    /**
     * Writes {@code batch} to the request ring; the caller set {@link #sending}, which this clears.
     * Only one thread sends at a time, in the order the pool took the units.
     *
     * @param interruptible whether this is the dispatcher, which an interrupt stops at shutdown;
     *     a caller's interrupt is kept for it
     * @return {@code false} if the worker is gone
     */
    private boolean send(List<Unit> batch, boolean interruptible) {
        boolean interrupted = false;
        try {
            encode(batch);
            rings.requests.write(out);
            return true;
        } catch (RingClosedException e) {
            return false;
        } catch (RuntimeException e) {
            // nothing in a prepared unit should fail to encode or write; if it does, the worker's
            // stream is in doubt: it is replaced and its units run elsewhere
            pool.log("cannot send to worker " + name + "; stopping it", e);
            stop("a request to worker " + name + " could not be sent", e);
            return false;
        } catch (InterruptedException e) {
            if (!interruptible) {
                // Only a frame larger than the free space waits, and a caller sends a small one to
                // an idle worker, whose ring is empty. Were it cut short anyway, the worker could
                // not read on: it is replaced and its units run elsewhere.
                interrupted = true;
                stop("a request to worker " + name + " was cut short by an interrupt", e);
            }
            return false;
        } finally {
            pool.lock.lock();
            try {
                sending = false;
                if (sendWaiters > 0) {
                    wake.signalAll(); // no needless wake-up of the dispatcher on every call
                }
            } finally {
                pool.lock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Encodes a batch into {@link #out}, defining functions the worker has not been sent. */
    private void encode(List<Unit> batch) {
        out.clear();
        for (Unit unit : batch) {
            FunctionTable.Ref ref = unit.call.functionRef;
            if (!defined.contains(ref.id())) {
                if (defined.size() >= MAX_DEFINED) {
                    out.write(Wire.OP_FORGET);
                    defined.clear();
                }
                out.write(Wire.OP_DEFINE);
                out.writeInt(ref.id());
                out.writeInt(ref.bytes().length);
                out.write(ref.bytes(), 0, ref.bytes().length);
                defined.add(ref.id());
            }
            out.write(Wire.OP_UNIT);
            out.writeLong(unit.id);
            out.writeInt(ref.id());
            out.write(unit.call.kind);
            Wire.writeBlock(out, unit.args, unit.from, unit.count, codec, "argument");
        }
    }

    /** Stops the worker because its request stream is in doubt; its units are queued again. */
    private void stop(String why, Throwable cause) {
        pool.lock.lock();
        try {
            if (!gone && stopReason == null) {
                kill(new IllegalStateException(why, cause));
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** A retired worker that does not leave after its request ring closed is killed. */
    private void killIfStillAliveLater() {
        WorkerJvm worker = jvm;
        if (worker != null) {
            Threads.scheduler().schedule(() -> {
                if (worker.isAlive()) {
                    worker.kill();
                }
            }, RETIRE_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ reader

    private void readLoop() {
        Bytes in = new Bytes(64 * 1024);
        try {
            while (true) {
                rings.responses.read(in, -1);
                handle(in);
            }
        } catch (RingClosedException | InterruptedException e) {
            // the worker ended: every frame it published has been read
        } catch (RuntimeException | Error e) {
            // a garbage frame (a count no frame can hold, nesting too deep) must stop this worker,
            // never leave its units waiting on a dead reader
            pool.log("bad response from worker " + name + "; stopping it", e);
            pool.lock.lock();
            try {
                kill(new IllegalStateException("pool protocol error on worker " + name, e));
            } finally {
                pool.lock.unlock();
            }
            drainUntilClosed(in);
        }
        // stop the dispatcher, keep the counters, free the region, then resolve the units:
        // the pool terminates only after every worker's file is gone
        lastStarted = rings.started();
        lastFinished = rings.finished();
        pool.lock.lock();
        try {
            ended = true;
            wake.signalAll();
            // a caller writing to the ring finishes (the ring is closed) before the region is freed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETIRE_GRACE_SECONDS);
            while (sending && System.nanoTime() < deadline) {
                sendWaiters++;
                try {
                    wake.awaitNanos(deadline - System.nanoTime());
                } finally {
                    sendWaiters--;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.lock.unlock();
        }
        Thread sender = dispatcher;
        if (sender != null) {
            try {
                sender.join(TimeUnit.SECONDS.toMillis(RETIRE_GRACE_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean stillSending;
        pool.lock.lock();
        try {
            stillSending = sending;
        } finally {
            pool.lock.unlock();
        }
        if ((sender == null || !sender.isAlive()) && !stillSending) {
            region.close(); // else a caller may still write to it: the file goes when this JVM exits
        }
        pool.workerGone(this);
    }

    private void drainUntilClosed(Bytes in) {
        try {
            while (true) {
                rings.responses.read(in, -1);
            }
        } catch (InterruptedException | IllegalStateException e) {
            // closed once the killed worker's exit is seen
        }
    }

    private void handle(Bytes frame) {
        Wire.Reader reader = new Wire.Reader(frame.array(), 0, frame.size(), codec);
        byte type = reader.readByte();
        switch (type) {
            case Wire.R_READY -> pool.workerReady(this);
            case Wire.R_INIT_FAILED -> {
                byte[] encoded = Arrays.copyOfRange(frame.array(), 1, frame.size());
                setupFailure = RemoteThrowables.decode(codec, encoded);
            }
            case Wire.R_RESULTS -> {
                long busyNanos = reader.readLong();
                List<WorkerPool.Result> results = new ArrayList<>();
                while (reader.hasMore()) {
                    results.add(readResult(reader));
                }
                pool.resultsArrived(this, results, busyNanos);
            }
            default -> throw new IllegalStateException("unknown response type " + type);
        }
    }

    private WorkerPool.Result readResult(Wire.Reader reader) {
        long unitId = reader.readLong();
        byte status = reader.readByte();
        if (status == Wire.ITEM_OK) {
            int mark = reader.position;
            try {
                return new WorkerPool.Result(unitId, reader.readBlockPacked(), null);
            } catch (RuntimeException | LinkageError e) {
                // a result that cannot be decoded here fails its unit's items, not the worker
                reader.position = mark;
                int count = reader.skipBlock();
                Throwable[] errors = new Throwable[count];
                Arrays.fill(errors, e);
                return new WorkerPool.Result(unitId, new Object[count], errors);
            }
        }
        int count = reader.blockCount(1); // a status byte at least per item
        Object[] values = new Object[count];
        Throwable[] errors = new Throwable[count];
        for (int i = 0; i < count; i++) {
            if (reader.readByte() == Wire.ITEM_OK) {
                int mark = reader.position;
                try {
                    values[i] = reader.readValue();
                } catch (RuntimeException | LinkageError e) {
                    reader.position = mark;
                    reader.skipValue();
                    errors[i] = e;
                }
            } else {
                errors[i] = RemoteThrowables.decode(codec, reader.readBytes());
            }
        }
        return new WorkerPool.Result(unitId, values, errors);
    }
}
