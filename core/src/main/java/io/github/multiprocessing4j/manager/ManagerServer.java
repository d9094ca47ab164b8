package io.github.multiprocessing4j.manager;

import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves objects to other processes and machines by name: Python's {@code BaseManager} with
 * {@code register} and {@code serve_forever}. Clients ({@link ManagerClient}) get a proxy of the
 * interface an object was registered under; each call is forwarded here, run on the object, and
 * its result or exception sent back.
 *
 * <pre>{@code
 * try (ManagerServer server = ManagerServer.builder().authKey(key)
 *         .register("jobs", BlockingQueue.class, new LinkedBlockingQueue<String>())
 *         .build()) {
 *     server.start();                 // in the background; serve() blocks instead
 *     System.out.println(server.address());
 *     ...
 * }
 * }</pre>
 *
 * <p>Only methods of the registered interface can be called, never other methods of the object.
 * Connections authenticate as {@link Listener}'s do, and arguments are decoded only if their
 * classes are {@linkplain Builder#allow allowed}. Each client connection is served by its own
 * thread (a platform thread for the first 64 at once, which answers twice as fast, a virtual
 * thread beyond), so registered objects must be thread-safe; a call that blocks (a queue's
 * {@code take}) holds only its own connection. Instances are thread-safe.
 */
public final class ManagerServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ManagerServer.class.getName());

    private final Listener listener;
    private final Map<String, Dispatcher.Registered> objects;
    private final Set<MessageConnection> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Connections served on platform threads now. */
    private final java.util.concurrent.atomic.AtomicInteger platformConnections = new java.util.concurrent.atomic.AtomicInteger();

    /** Connections served on platform threads at most at once; the others get virtual threads. */
    static final int PLATFORM_CONNECTIONS = 64;
    private volatile Thread acceptor;
    private volatile boolean closed;

    private ManagerServer(Listener listener, Map<String, Dispatcher.Registered> objects) {
        this.listener = listener;
        this.objects = objects;
    }

    /**
     * A builder: loopback address and a free port unless set; the key is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Where clients connect.
     *
     * @return {@code host:port} or a socket path
     */
    public String address() {
        return listener.address();
    }

    /**
     * Serves in a background thread and returns at once.
     *
     * @return this server
     * @throws IllegalStateException if it is already serving or closed
     */
    public synchronized ManagerServer start() {
        if (closed || acceptor != null) {
            throw new IllegalStateException("the server is already serving or closed");
        }
        acceptor = Thread.ofPlatform().daemon().name("mp4j-manager-" + address()).start(this::acceptLoop);
        return this;
    }

    /**
     * Serves until {@link #close()} is called from another thread: Python's {@code serve_forever()}.
     *
     * @throws InterruptedException if interrupted while serving
     */
    public void serve() throws InterruptedException {
        start();
        stopped.await();
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                MessageConnection connection = listener.accept();
                connections.add(connection);
                // a platform thread wakes from the socket's selector at once; a virtual thread's
                // wake-up goes through the scheduler and halves the calls per second, so virtual
                // threads serve only the connections beyond the first PLATFORM_CONNECTIONS
                boolean platform = platformConnections.incrementAndGet() <= PLATFORM_CONNECTIONS;
                if (!platform) {
                    platformConnections.decrementAndGet();
                }
                Runnable serve = () -> {
                    try {
                        serveConnection(connection);
                    } finally {
                        if (platform) {
                            platformConnections.decrementAndGet();
                        }
                    }
                };
                (platform ? Thread.ofPlatform().daemon().name("mp4j-manager-client")
                        : Thread.ofVirtual().name("mp4j-manager-client")).start(serve);
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "manager at " + address() + " stopped accepting: " + e.getMessage());
            }
        } finally {
            stopped.countDown();
        }
    }

    private void serveConnection(MessageConnection connection) {
        try (connection) {
            while (!closed) {
                Object[] request;
                try {
                    request = connection.recvValues(listener.options().idleTimeoutMillis());
                } catch (java.net.SocketTimeoutException idle) {
                    LOG.log(Level.FINE, "closed an idle manager client (" + connection.remoteAddress() + ")");
                    return;
                }
                Object[] reply = Dispatcher.call(objects, request, listener.codec());
                try {
                    connection.sendValues(reply);
                } catch (RuntimeException | IOException unsendable) {
                    if (connection.isClosed()) {
                        throw unsendable;
                    }
                    // a result that cannot be encoded or is too large: an error, not a dropped client
                    connection.sendValues(Boolean.FALSE, io.github.multiprocessing4j.internal.codec.RemoteThrowables
                            .encode(listener.codec(), unsendable));
                }
            }
        } catch (EOFException e) {
            // the client hung up
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "dropped a manager client (" + connection.remoteAddress() + "): " + e.getMessage());
            }
        } finally {
            connections.remove(connection);
        }
    }

    /** Stops serving and closes every client connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        listener.close();
        connections.forEach(MessageConnection::close);
        if (acceptor == null) {
            stopped.countDown();
        }
    }

    @Override
    public String toString() {
        return "ManagerServer[" + address() + ", " + objects.keySet() + (closed ? ", closed" : "") + "]";
    }

    /** Configures a {@link ManagerServer}. Not thread-safe. */
    public static final class Builder {
        private final Listener.Builder listener = Listener.builder();
        private final Map<String, Dispatcher.Registered> objects = new LinkedHashMap<>();

        Builder() {
        }

        /**
         * Where to listen (see {@link Listener.Builder#address}).
         *
         * @param address {@code host:port} or a Unix socket path
         * @return this builder
         */
        public Builder address(String address) {
            listener.address(address);
            return this;
        }

        /**
         * The shared key (required).
         *
         * @param key the key
         * @return this builder
         */
        public Builder authKey(byte[] key) {
            listener.authKey(key);
            return this;
        }

        /**
         * Classes the server may deserialize as call arguments (see {@link Listener.Builder#allow}).
         *
         * @param classes the classes
         * @return this builder
         */
        public Builder allow(Class<?>... classes) {
            listener.allow(classes);
            return this;
        }

        /**
         * Encrypts every connection with TLS (see {@link Listener.Builder#tls}); clients must set
         * it too.
         *
         * @param context an initialized context with the server's key and certificate
         * @return this builder
         */
        public Builder tls(javax.net.ssl.SSLContext context) {
            listener.tls(context);
            return this;
        }

        /**
         * How long a client connection may stay silent before it is closed (see
         * {@link Listener.Builder#idleTimeout}; default 10 minutes).
         *
         * @param timeout at least 100 ms
         * @return this builder
         */
        public Builder idleTimeout(java.time.Duration timeout) {
            listener.idleTimeout(timeout);
            return this;
        }

        /**
         * How long a request may take to arrive once it started (see
         * {@link Listener.Builder#readTimeout}; default 30 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder readTimeout(java.time.Duration timeout) {
            listener.readTimeout(timeout);
            return this;
        }

        /**
         * The largest request or reply (see {@link Listener.Builder#maxFrameBytes}; default
         * 16 MiB).
         *
         * @param bytes the limit, at least 1024
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            listener.maxFrameBytes(bytes);
            return this;
        }

        /**
         * Serves {@code target} under {@code name} as a {@code type}.
         *
         * @param <T> the interface
         * @param name the name clients ask for
         * @param type the interface clients get a proxy of
         * @param target the object, thread-safe
         * @return this builder
         * @throws IllegalArgumentException if {@code type} is not an interface, the target does
         *     not implement it, or the name is taken
         */
        public <T> Builder register(String name, Class<T> type, T target) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(target, "target");
            if (!type.isInterface()) {
                throw new IllegalArgumentException("type: " + type.getName() + " (expected an interface)");
            }
            if (!type.isInstance(target)) {
                throw new IllegalArgumentException("target: a " + target.getClass().getName() + " is not a " + type.getName());
            }
            if (objects.putIfAbsent(name, new Dispatcher.Registered(type, target)) != null) {
                throw new IllegalArgumentException("name: '" + name + "' is already registered");
            }
            return this;
        }

        /**
         * Serves a new object from {@code factory} under {@code name}.
         *
         * @param <T> the interface
         * @param name the name
         * @param type the interface
         * @param factory makes the object, once, now
         * @return this builder
         */
        public <T> Builder register(String name, Class<T> type, Supplier<? extends T> factory) {
            return register(name, type, type.cast(factory.get()));
        }

        /**
         * Binds the address.
         *
         * @return the server, not yet serving: call {@link #start()} or {@link #serve()}
         * @throws IOException if the address cannot be bound
         * @throws IllegalStateException if no key was set
         */
        public ManagerServer build() throws IOException {
            return new ManagerServer(listener.build(), Map.copyOf(objects));
        }
    }
}
