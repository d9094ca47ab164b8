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
 */
public final class ManagerClient implements AutoCloseable {

    private final String address;
    private final Client.Builder client;
    private final io.github.multiprocessing4j.spi.Codec codec;
    private final ConcurrentLinkedQueue<MessageConnection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private ManagerClient(String address, Client.Builder client) {
        this.address = address;
        this.client = client;
        this.codec = client.options().codec();
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
        InvocationHandler handler = (proxy, method, args) -> invoke(name, type, proxy, method, args);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private Object invoke(String name, Class<?> type, Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
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
        MessageConnection connection = idle.poll();
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
                    idle.add(connection);
                } else {
                    connection.close(); // after a failure the stream may be out of step
                }
            }
        }
    }

    /** Closes the idle connections; calls in progress close theirs when they finish. Idempotent. */
    @Override
    public void close() {
        closed = true;
        MessageConnection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
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
            manager.idle.add(client.connect(address));
            return manager;
        }
    }
}
