package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.internal.pool.Wire;
import io.github.multiprocessing4j.spi.Codec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's connections to one local manager: pairs of shared-memory queues (requests and
 * replies) that the calling JVM creates and announces through the manager's door queue. A call
 * borrows a free pair, so a blocking call holds up nothing else. One instance per manager per JVM.
 */
final class LocalChannels {

    static final Codec CODEC = Codecs.byName("jdk");
    static final int RING_BYTES = 256 << 10;
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Map<String, LocalChannels> BY_DOOR = new ConcurrentHashMap<>();

    /** One connection: the JVM that made it owns both files. */
    record Channel(QueueCore requests, QueueCore replies) {
        void close() {
            requests.close();
            replies.close();
        }
    }

    private final SharedQueue<String[]> door;
    private final ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();

    private LocalChannels(SharedQueue<String[]> door) {
        this.door = door;
    }

    static LocalChannels of(SharedQueue<String[]> door) {
        return BY_DOOR.computeIfAbsent(key(door), d -> new LocalChannels(door));
    }

    private static String key(SharedQueue<String[]> door) {
        return door.toString().replace(", closed", "");
    }

    /**
     * Sends one request and waits for its reply. The wait is not interruptible (an interrupt is
     * kept for the caller), so a call that ran in the manager always has its reply read and its
     * channel stays usable; the calls that can wait long are sent in slices by the proxies.
     */
    Object[] call(Object[] request) {
        if (door.isClosed()) {
            throw new IllegalStateException("the manager is closed (or its process died)");
        }
        Bytes bytes = new Bytes(64);
        for (Object value : request) {
            Wire.writeValue(bytes, value, CODEC, "argument"); // a bad argument fails here, before any channel
        }
        Channel channel = idle.poll();
        boolean fresh = channel == null;
        if (fresh) {
            QueueCore requests = QueueCore.create("mgr", Integer.MAX_VALUE, RING_BYTES);
            try {
                channel = new Channel(requests, QueueCore.create("mgr", Integer.MAX_VALUE, RING_BYTES));
            } catch (RuntimeException | Error e) {
                requests.close();
                throw e;
            }
        }
        boolean interrupted = false; // kept for the caller until the reply is in
        boolean reusable = false;
        try {
            if (fresh) {
                String[] paths = {channel.requests().path().toString(), channel.replies().path().toString()};
                while (true) {
                    try {
                        door.put(paths);
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            while (true) {
                try {
                    if (channel.requests().put((byte) 0, bytes.array(), bytes.size(), CHECK_NANOS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                checkOpen();
            }
            bytes.clear();
            while (true) {
                try {
                    if (channel.replies().take(bytes, CHECK_NANOS) >= 0) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                checkOpen();
            }
            Object[] reply = Wire.readValues(bytes.array(), 0, bytes.size(), CODEC);
            reusable = true;
            return reply;
        } finally {
            if (reusable && !door.isClosed()) {
                idle.add(channel);
            } else {
                channel.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkOpen() {
        if (door.isClosed()) {
            throw new IllegalStateException("the manager is closed (or its process died) during a call");
        }
    }

    /** Closes this JVM's idle connections to the manager. */
    void closeIdle() {
        Channel channel;
        while ((channel = idle.poll()) != null) {
            channel.close();
        }
        BY_DOOR.remove(key(door), this);
    }
}
