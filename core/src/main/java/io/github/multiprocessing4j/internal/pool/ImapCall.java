package io.github.multiprocessing4j.internal.pool;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lazy call ({@code imap}, {@code imapUnordered}): items are read from the input only while
 * fewer than {@code window} items are ahead of the results taken, and results are handed to the
 * consuming iterator in input order or in completion order.
 *
 * <p>The input iterator is read on pool threads, one at a time, with the pool lock held; it should
 * not block for long.
 */
final class ImapCall extends Call implements Iterator<Object> {

    /** A result or a failure. */
    private record Outcome(Object value, Throwable failure) {
    }

    private final Iterator<?> input;
    private final boolean ordered;
    private final int chunkSize;
    private final long window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<Long, Outcome> byIndex = new HashMap<>();
    private final ArrayDeque<Outcome> inOrderOfCompletion = new ArrayDeque<>();
    /** Items read from the input; written under the pool lock, read under this call's lock too. */
    private volatile long read;
    private volatile boolean inputDone;
    private volatile long consumed;
    private volatile boolean closed;
    /** Why the pool ended this call (it stopped or broke); reported once, then the results end. */
    private Throwable abortReason;
    private boolean abortReported;

    ImapCall(WorkerPool pool, Object function, Iterator<?> input, boolean ordered, int chunkSize, long window,
            long timeoutNanos) {
        super(pool, function, Wire.KIND_FUNCTION, timeoutNanos);
        this.input = input;
        this.ordered = ordered;
        this.chunkSize = chunkSize;
        this.window = window;
    }

    @Override
    int nextSize() {
        if (closed || inputDone || read - consumed >= window) {
            return 0;
        }
        return chunkSize;
    }

    @Override
    Unit take() {
        Object[] args = new Object[chunkSize];
        int count = 0;
        long first = read;
        try {
            while (count < chunkSize && input.hasNext()) {
                Object item = input.next();
                try {
                    args[count] = pool.prepare(item, "item", first + count);
                    count++;
                } catch (RuntimeException e) {
                    // this item cannot be sent: it fails alone, the unit ends before it
                    read = first + count + 1;
                    deliver(first + count, new Outcome(null, e));
                    return count == 0 ? null : new Unit(this, args, 0, count, first);
                }
            }
            if (count < chunkSize) {
                inputDone = true;
            }
        } catch (RuntimeException e) {
            // the input itself failed: report it in its place, read no further
            inputDone = true;
            read = first + count + 1;
            deliver(first + count, new Outcome(null, e));
            return count == 0 ? null : new Unit(this, args, 0, count, first);
        }
        read = first + count;
        if (count == 0) {
            signal();
            return null;
        }
        return new Unit(this, args, 0, count, first);
    }

    @Override
    boolean drained() {
        return inputDone || closed;
    }

    @Override
    boolean isDone() {
        return closed;
    }

    @Override
    void complete(Unit unit, Object[] values, Throwable[] errors) {
        lock.lock();
        try {
            for (int i = 0; i < unit.count; i++) {
                Outcome outcome = new Outcome(values[i], errors == null ? null : errors[i]);
                store(unit.index + i, outcome);
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void deliver(long index, Outcome outcome) {
        lock.lock();
        try {
            store(index, outcome);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void store(long index, Outcome outcome) {
        if (closed) {
            return;
        }
        if (ordered) {
            byIndex.put(index, outcome);
        } else {
            inOrderOfCompletion.add(outcome);
        }
    }

    private void signal() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    void abort(Throwable reason) {
        lock.lock();
        try {
            if (abortReason == null) {
                abortReason = reason; // the iterator reports it next, then ends
            }
            inputDone = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading input and drops results still to come. */
    void close() {
        lock.lock();
        try {
            closed = true;
            byIndex.clear();
            inOrderOfCompletion.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        pool.cancelled(this, false);
    }

    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            while (true) {
                if (closed || abortReported) {
                    return false;
                }
                if (abortReason != null) {
                    return true;
                }
                if (ordered ? byIndex.containsKey(consumed) : !inOrderOfCompletion.isEmpty()) {
                    return true;
                }
                if (inputDone && consumed >= read) {
                    return false;
                }
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException("interrupted while waiting for the next result", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results");
        }
        Outcome outcome;
        lock.lock();
        try {
            if (abortReason != null) {
                abortReported = true;
                outcome = new Outcome(null, abortReason);
            } else {
                outcome = ordered ? byIndex.remove(consumed) : inOrderOfCompletion.poll();
            }
            consumed = consumed + 1;
        } finally {
            lock.unlock();
        }
        pool.signalWork(); // room in the window
        if (outcome.failure() != null) {
            throw outcome.failure() instanceof CompletionException c ? c : new CompletionException(outcome.failure());
        }
        return outcome.value();
    }
}
