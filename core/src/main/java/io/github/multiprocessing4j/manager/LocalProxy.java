package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.SharedQueue;
import java.io.Serial;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The handler behind a local manager's proxies. It is serializable (a reference: the manager's
 * door queue and the object's name), so proxies travel into tasks and workers.
 *
 * <p>Calls that can wait ({@code take()} and a timed {@code poll} of a queue, {@code join} of a
 * joinable queue) are sent as a series of waits of at most {@link #SLICE_MILLIS} each, so the
 * caller notices an interrupt or its deadline between them and no wait is left running in the
 * manager: an element is either returned to the caller or stays in the queue.
 */
final class LocalProxy implements InvocationHandler, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    /** The longest a single call waits in the manager. */
    static final long SLICE_MILLIS = 100;
    private static final String POLL_TYPES = "long,java.util.concurrent.TimeUnit";

    private final SharedQueue<String[]> door;
    private final String name;
    private final String typeName;
    /** This JVM's channels to the manager, looked up once. */
    private transient volatile LocalChannels channels;

    LocalProxy(SharedQueue<String[]> door, String name, String typeName) {
        this.door = door;
        this.name = name;
        this.typeName = typeName;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] != null && java.lang.reflect.Proxy.isProxyClass(args[0].getClass())
                        && java.lang.reflect.Proxy.getInvocationHandler(args[0]) instanceof LocalProxy other
                        && sameObject(other);
                case "hashCode" -> name.hashCode();
                default -> describe();
            };
        }
        if (Dispatcher.runsLocally(method)) {
            // stream(), forEach(..): run here, on top of remote calls (iterators come back as copies)
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (java.util.concurrent.BlockingQueue.class.isAssignableFrom(method.getDeclaringClass())) {
            int count = method.getParameterCount();
            switch (method.getName()) {
                case "take" -> {
                    if (count == 0) {
                        return pollSliced(-1);
                    }
                }
                case "poll" -> {
                    if (count == 2) {
                        return pollSliced(Math.max(0, ((TimeUnit) args[1]).toNanos((Long) args[0])));
                    }
                }
                case "join" -> {
                    if (count == 0) {
                        joinSliced(-1);
                        return null;
                    }
                    if (count == 1) {
                        return joinSliced(Math.max(0, nanos((Duration) args[0])));
                    }
                }
                default -> {
                    // forwarded as is
                }
            }
        }
        return Dispatcher.adapt(method, Dispatcher.result(channels().call(Dispatcher.request(name, method, args)),
                LocalChannels.CODEC, "manager " + door));
    }

    private LocalChannels channels() {
        LocalChannels to = channels;
        if (to == null) {
            to = LocalChannels.of(door);
            channels = to;
        }
        return to;
    }

    /** {@code take()} (negative timeout) or {@code poll(timeout)} as a series of short polls. */
    private Object pollSliced(long timeoutNanos) throws InterruptedException {
        return ManagedProxies.sliced(timeoutNanos, true, millis -> call("poll", POLL_TYPES, millis, TimeUnit.MILLISECONDS));
    }

    /** {@code join()} (negative timeout) or {@code join(timeout)} as a series of short joins. */
    private boolean joinSliced(long timeoutNanos) throws InterruptedException {
        return ManagedProxies.sliced(timeoutNanos, true,
                millis -> (Boolean) call("join", "java.time.Duration", Duration.ofMillis(millis)) ? Boolean.TRUE : null) != null;
    }

    /**
     * Calls a method of the object by name and parameter type names, for the proxies that are not
     * {@link java.lang.reflect.Proxy} instances ({@link ManagedProxies}). The manager's exceptions
     * are rethrown; a checked one arrives wrapped in an {@link IllegalStateException}.
     */
    Object call(String method, String parameterTypes, Object... args) {
        Object[] request = new Object[3 + args.length];
        request[0] = name;
        request[1] = method;
        request[2] = parameterTypes;
        System.arraycopy(args, 0, request, 3, args.length);
        try {
            return Dispatcher.result(channels().call(request), LocalChannels.CODEC, "manager " + door);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("manager call " + method + " failed: " + t, t);
        }
    }

    /** The nanoseconds of a timeout, saturated. */
    static long nanos(Duration timeout) {
        java.util.Objects.requireNonNull(timeout, "timeout");
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    /** The object's name in the manager. */
    String name() {
        return name;
    }

    /** Whether this handler reaches an object of the manager behind {@code door}. */
    boolean belongsTo(SharedQueue<String[]> door) {
        return this.door.toString().equals(door.toString());
    }

    /** What a proxy's {@code toString} says. */
    String describe() {
        return "proxy of " + typeName + " '" + name + "' in " + door;
    }

    /** Whether both handlers refer to the same object of the same manager. */
    boolean sameObject(LocalProxy other) {
        return other.name.equals(name) && other.door.toString().equals(door.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LocalProxy that && sameObject(that);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
