package io.github.multiprocessing4j.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Connects to a {@link ManagerServer} and hands out proxies of the objects it serves: Python's
 * {@code BaseManager.connect()} and its proxies.
 *
 * <pre>{@code
 * try (ManagerClient manager = ManagerClient.connect("127.0.0.1:6000", key)) {
 *     BlockingQueue<String> jobs = manager.get("jobs", BlockingQueue.class);
 *     jobs.put("resize photo-1.jpg");
 * }
 * }</pre>
 *
 * <p>A proxy forwards every method of its interface to the server and returns the result, or
 * throws the server's exception: its original type when this end may deserialize it
 * ({@link Builder#allow}), else a {@link io.github.multiprocessing4j.RemoteException} with the
 * remote type, message and stack trace. A checked exception the method does not declare, and a
 * failure of the connection, arrive wrapped in {@link java.lang.reflect.UndeclaredThrowableException}
 * or {@link UncheckedIOException}. {@code equals}, {@code hashCode} and {@code toString} are
 * answered locally. Each call uses a free connection (one is opened when all are busy, so a
 * blocking call never holds up the others). Thread-safe.
 *
 * <p>Proxies are serializable, so a pool task or a worker process can capture one and call the
 * server from there: a proxy serializes as the server's address, the object's name and this
 * client's settings, <strong>including the key</strong>. Our worker processes receive it through
 * owner-only shared memory; a proxy refuses to be written to a network connection
 * ({@link MessageConnection}, another manager), and must not be serialized anywhere else you
 * would not send the key. Proxies that arrive in a JVM share one client per server there. A
 * closed client fails its own proxies' calls, not those of copies in other processes.
 */
public final class ManagerClient implements AutoCloseable {

    /** Clients that proxies deserialized in this JVM share, by address and settings. */
    private static final java.util.Map<String, ManagerClient> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    private final String address;
    private final Client.Builder client;
    private final NetOptions.Settings settings;
    /** Free connections idle for longer are checked for a close by the server before use. */
    private static final long STALE_CHECK_NANOS = 50_000_000L;
    /** Half the idle timeout: free connections older than this are not used. */
    private final long idleLimitNanos;
    private final io.github.multiprocessing4j.spi.Codec codec;
    /** Free connections, newest last, each with when it became free. */
    private final ConcurrentLinkedQueue<Idle> idle = new ConcurrentLinkedQueue<>();

    private record Idle(MessageConnection connection, long since) {
    }
    private volatile boolean closed;

    private ManagerClient(String address, Client.Builder client) {
        this.address = address;
        this.client = client;
        this.settings = client.settings();
        NetOptions options = client.options();
        this.codec = options.codec();
        this.idleLimitNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(options.idleTimeoutMillis()) / 2;
    }

    /**
     * The client a deserialized proxy uses in this JVM: one per address and settings, opened on
     * first use and never closed (its connections close when idle).
     */
    static ManagerClient shared(String address, NetOptions.Settings settings) {
        return SHARED.computeIfAbsent(address + "|" + settings.identity(),
                key -> new ManagerClient(address, Client.builder().apply(settings)));
    }

    /**
     * Connects with the default options.
     *
     * @param address the server's address
     * @param authKey the shared key
     * @return the client, with one authenticated connection open
     * @throws IOException if the connection or the authentication fails
     */
    public static ManagerClient connect(String address, byte[] authKey) throws IOException {
        return builder().authKey(authKey).connect(address);
    }

    /**
     * A builder for other options (allow-list, limits).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A proxy of the object registered as {@code name}.
     *
     * @param <T> the interface
     * @param name the name it was registered under
     * @param type the interface it was registered as (or one it extends)
     * @return the proxy; calls on it go to the server
     * @throws IllegalArgumentException if {@code type} is not an interface
     */
    public <T> T get(String name, Class<T> type) {
        Objects.requireNonNull(name, "name");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("type: " + type.getName() + " (expected an interface)");
        }
        InvocationHandler handler = new NetworkProxy(this, address, name, type, settings);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /**
     * The handler of a network proxy. It serializes as the server's address, the object's name
     * and this client's settings, the key included, so that a pool task or a worker that gets the
     * proxy can call the server itself (through a client shared in its JVM).
     */
    static final class NetworkProxy implements InvocationHandler, java.io.Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final String address;
        private final String name;
        private final Class<?> type;
        private final NetOptions.Settings settings;
        private transient volatile ManagerClient client;

        NetworkProxy(ManagerClient client, String address, String name, Class<?> type, NetOptions.Settings settings) {
            this.client = client;
            this.address = address;
            this.name = name;
            this.type = type;
            this.settings = settings;
        }

        @java.io.Serial
        private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
            if (settings.tls()) {
                throw new java.io.NotSerializableException("a proxy of a TLS ManagerClient cannot be serialized (its "
                        + "SSLContext cannot travel): connect a ManagerClient where the proxy is needed instead");
            }
            if (MessageConnection.encodingForNetwork()) {
                throw new java.io.NotSerializableException("a ManagerClient proxy carries its key and is not sent over "
                        + "a network connection; send the name and connect a ManagerClient at the other end");
            }
            out.defaultWriteObject();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            ManagerClient to = client;
            if (to == null) {
                to = shared(address, settings);
                client = to;
            }
            return to.invoke(name, type, proxy, method, args);
        }
    }

    private Object invoke(String name, Class<?> type, Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] != null && Proxy.isProxyClass(args[0].getClass())
                        && Proxy.getInvocationHandler(args[0]) instanceof NetworkProxy other
                        && other.address.equals(address) && other.name.equals(name);
                case "hashCode" -> name.hashCode();
                default -> "proxy of " + type.getSimpleName() + " '" + name + "' at " + address;
            };
        }
        if (Dispatcher.runsLocally(method)) {
            // stream(), forEach(..): run here, on top of remote calls (iterators come back as copies)
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return Dispatcher.adapt(method, Dispatcher.result(call(Dispatcher.request(name, method, args)), codec, address));
    }

    private Object[] call(Object[] request) {
        if (closed) {
            throw new IllegalStateException("the manager client is closed");
        }
        MessageConnection connection = freeConnection();
        boolean reusable = false;
        try {
            if (connection == null) {
                connection = client.connect(address);
            }
            connection.sendValues(request);
            Object[] response = connection.recvValues();
            reusable = !closed;
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("call to the manager at " + address + " failed: " + e.getMessage(), e);
        } finally {
            if (connection != null) {
                if (reusable) {
                    idle.add(new Idle(connection, System.nanoTime()));
                } else {
                    connection.close(); // after a failure the stream may be out of step
                }
            }
        }
    }

    /**
     * A free connection the server has not closed, or null. One idle for more than half the idle
     * timeout is closed here rather than used: the server may be closing it at this moment, and a
     * call sent then would fail (calls are not retried, they may not be idempotent).
     */
    private MessageConnection freeConnection() {
        long limit = idleLimitNanos;
        Idle free;
        while ((free = idle.poll()) != null) {
            long idleNanos = System.nanoTime() - free.since();
            // a server closes connections idle for 100 ms at least: a younger one needs no check
            if ((limit > 0 && idleNanos > limit) || idleNanos > STALE_CHECK_NANOS && free.connection().isStale()) {
                free.connection().close();
                continue;
            }
            return free.connection();
        }
        return null;
    }

    /** Closes the idle connections; calls in progress close theirs when they finish. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Idle free;
        while ((free = idle.poll()) != null) {
            free.connection().close();
        }
    }

    @Override
    public String toString() {
        return "ManagerClient[" + address + (closed ? ", closed" : "") + "]";
    }

    /** Configures a {@link ManagerClient}. Not thread-safe. */
    public static final class Builder extends NetOptions.Builder<Builder> {
        Builder() {
        }

        /**
         * Connects and authenticates one connection (more open as calls need them).
         *
         * @param address the server's address
         * @return the client
         * @throws IOException if the connection or the authentication fails
         */
        public ManagerClient connect(String address) throws IOException {
            Client.Builder client = Client.builder();
            copyTo(client);
            ManagerClient manager = new ManagerClient(address, client);
            manager.idle.add(new Idle(client.connect(address), System.nanoTime()));
            return manager;
        }
    }
}
