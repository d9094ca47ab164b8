package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.ipc.QueueCore;
import io.github.multiprocessing4j.internal.pool.Wire;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A manager process holding plain Java objects that every process uses through proxies: Python's
 * {@code multiprocessing.Manager()} ({@code SyncManager}). Start one with {@link Context#manager()}.
 *
 * <pre>{@code
 * try (Context ctx = Multiprocessing.processes(); Manager manager = ctx.manager()) {
 *     Map<String, Integer> scores = manager.dict();
 *     try (ProcessPool pool = ctx.pool(4)) {
 *         pool.map(name -> scores.put(name, name.length()), List.of("ada", "grace", "alan"));
 *     }
 *     System.out.println(scores); // through the proxy: {ada=3, grace=5, alan=4}
 * }
 * }</pre>
 *
 * <p>It holds maps ({@link #dict()}), lists, queues, joinable queues, namespaces, values, locks,
 * reentrant locks, semaphores, bounded semaphores and events, each created by the method of that
 * name. The objects live in the manager's worker (a thread for the thread backends); a proxy
 * forwards every call to it over shared memory and returns the result or throws the remote
 * exception ({@link io.github.multiprocessing4j.RemoteException} when its class cannot be
 * recreated). Proxies serialize as references, so they can be captured by tasks and passed to
 * workers. Values cross by copy: {@code dict.get(k).add(x)} changes a copy, as in Python. Each
 * call is a round trip to the manager process; prefer the shared-memory types
 * ({@link io.github.multiprocessing4j.SharedQueue}, {@link io.github.multiprocessing4j.SharedLong},
 * ...) where speed matters. Calls fail with {@link IllegalStateException} once the manager is
 * closed or its process died. Instances are thread-safe.
 */
public final class Manager implements AutoCloseable {

    private final SharedQueue<String[]> door;
    private final WorkerProcess worker;
    private final AtomicInteger next = new AtomicInteger();

    private Manager(SharedQueue<String[]> door, WorkerProcess worker) {
        this.door = door;
        this.worker = worker;
    }

    /**
     * Starts a manager in {@code context}: what {@link Context#manager()} does.
     *
     * @param context the context whose worker runs the manager
     * @return the manager
     */
    public static Manager start(Context context) {
        SharedQueue<String[]> door = context.queue();
        WorkerProcess worker = context.process(() -> serve(door)).name("manager").daemon(true).start();
        worker.onExit().thenRun(door::close); // a dead manager fails the calls waiting on it
        return new Manager(door, worker);
    }

    /**
     * A new map in the manager: Python's {@code manager.dict()}.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a proxy; keys and values must be serializable
     */
    @SuppressWarnings("unchecked")
    public <K, V> Map<K, V> dict() {
        return (Map<K, V>) create("dict", Map.class);
    }

    /**
     * A new list in the manager: Python's {@code manager.list()}.
     *
     * @param <E> the element type
     * @return a proxy; elements must be serializable
     */
    @SuppressWarnings("unchecked")
    public <E> List<E> list() {
        return (List<E>) create("list", List.class);
    }

    /**
     * A new unbounded queue in the manager: Python's {@code manager.Queue()}.
     *
     * @param <E> the element type
     * @return a proxy
     */
    @SuppressWarnings("unchecked")
    public <E> BlockingQueue<E> queue() {
        return (BlockingQueue<E>) create("queue", BlockingQueue.class);
    }

    /**
     * A new joinable queue in the manager: Python's {@code manager.JoinableQueue()}.
     *
     * @param <E> the element type
     * @return a proxy
     */
    @SuppressWarnings("unchecked")
    public <E> ManagedJoinableQueue<E> joinableQueue() {
        return (ManagedJoinableQueue<E>) create("joinable", ManagedJoinableQueue.class);
    }

    /**
     * A new namespace in the manager: Python's {@code manager.Namespace()}.
     *
     * @return a proxy
     */
    public Namespace namespace() {
        return (Namespace) create("namespace", Namespace.class);
    }

    /**
     * A new value in the manager: Python's {@code manager.Value(typecode, value)}, for any
     * serializable type.
     *
     * @param <T> the value's type
     * @param initial the first value, serializable (or {@code null})
     * @return a proxy
     */
    @SuppressWarnings("unchecked")
    public <T> ManagedValue<T> value(T initial) {
        return (ManagedValue<T>) create("value", ManagedValue.class, initial);
    }

    /**
     * A new lock in the manager: Python's {@code manager.Lock()}. Only the thread that locked it
     * may unlock it; locking it again from that thread fails (it is not reentrant). When the
     * process holding it dies, the next caller takes it over within about 100 ms. Waits honour
     * interruption ({@code lockInterruptibly}, {@code tryLock(time, unit)}). It has no conditions. The shared-memory
     * {@link Context#lock()} is much faster; this one lives and dies with the manager.
     *
     * @return a proxy
     */
    public java.util.concurrent.locks.Lock lock() {
        return new ManagedProxies.LockProxy(newObject("lock", "Lock", Boolean.FALSE));
    }

    /**
     * A new reentrant lock in the manager: Python's {@code manager.RLock()}; otherwise as
     * {@link #lock()}.
     *
     * @return a proxy
     */
    public java.util.concurrent.locks.Lock reentrantLock() {
        return new ManagedProxies.LockProxy(newObject("lock", "Lock", Boolean.TRUE));
    }

    /**
     * A new semaphore in the manager: Python's {@code manager.Semaphore(permits)}.
     *
     * @param permits the permits it starts with, 0 or more
     * @return a proxy
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public ManagedSemaphore semaphore(int permits) {
        return new ManagedProxies.SemaphoreProxy(newObject("semaphore", "Semaphore", requirePermits(permits)));
    }

    /**
     * A new bounded semaphore in the manager: Python's {@code manager.BoundedSemaphore(permits)};
     * releasing more than it started with fails.
     *
     * @param permits the permits it starts with, 0 or more
     * @return a proxy
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public ManagedSemaphore boundedSemaphore(int permits) {
        return new ManagedProxies.SemaphoreProxy(newObject("bsemaphore", "Semaphore", requirePermits(permits)));
    }

    private static Integer requirePermits(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits: " + permits + " (expected 0 or more)");
        }
        return permits;
    }

    /**
     * A new event in the manager: Python's {@code manager.Event()}.
     *
     * @return a proxy
     */
    public ManagedEvent event() {
        return new ManagedProxies.EventProxy(newObject("event", "Event", null));
    }

    private Object create(String kind, Class<?> type) {
        return create(kind, type, null);
    }

    private Object create(String kind, Class<?> type, Object parameter) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                newObject(kind, type.getSimpleName(), parameter));
    }

    /** Creates an object in the manager and returns the handler that reaches it. */
    private LocalProxy newObject(String kind, String typeName, Object parameter) {
        String name = kind + "-" + next.incrementAndGet();
        try {
            Object[] reply = LocalChannels.of(door).call(new Object[] {"", "create",
                    "java.lang.String,java.lang.String,java.lang.Object", kind, name, parameter});
            Dispatcher.result(reply, LocalChannels.CODEC, "manager " + door);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the manager could not create a " + kind + ": " + t, t);
        }
        return new LocalProxy(door, name, typeName);
    }

    /**
     * Frees the object behind {@code proxy} in the manager: Python frees it when its last proxy
     * is garbage collected, here it lives until released or until the manager closes. Every
     * proxy of it, in every process, then fails with a {@link RuntimeException} saying it was
     * released; a call waiting on it ends within 100 ms.
     *
     * @param proxy a proxy this manager returned (or a copy of one)
     * @return {@code true} if the object was there, {@code false} if it was released already
     * @throws IllegalArgumentException if {@code proxy} is not a proxy of this manager
     */
    public boolean release(Object proxy) {
        LocalProxy handler = proxy instanceof ManagedProxies.RemoteObject remote ? remote.remote
                : proxy != null && Proxy.isProxyClass(proxy.getClass())
                        && Proxy.getInvocationHandler(proxy) instanceof LocalProxy local ? local : null;
        if (handler == null || !handler.belongsTo(door)) {
            throw new IllegalArgumentException("proxy: " + proxy + " (expected a proxy returned by " + this + ")");
        }
        try {
            Object[] reply = LocalChannels.of(door).call(new Object[] {"", "release", "java.lang.String", handler.name()});
            return (Boolean) Dispatcher.result(reply, LocalChannels.CODEC, "manager " + door);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the manager could not release " + proxy + ": " + t, t);
        }
    }

    /**
     * Whether the manager's process is running.
     *
     * @return {@code true} while it serves
     */
    public boolean isAlive() {
        return worker.isAlive() && !door.isClosed();
    }

    /** Stops the manager process; its objects are gone, later calls fail. Idempotent. */
    @Override
    public void close() {
        door.close();
        LocalChannels.of(door).closeIdle();
        try {
            if (!worker.join(Duration.ofSeconds(5))) {
                worker.kill();
                worker.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            worker.kill();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Manager[" + worker.name() + (isAlive() ? "" : ", closed") + "]";
    }

    // ------------------------------------------------------------------ the manager's side

    /** Creates objects on request; served under the empty name. */
    interface Factory {
        void create(String kind, String name, Object parameter);

        boolean release(String name);
    }

    /** The manager process: takes connections from the door and serves each on a thread of its own. */
    static void serve(SharedQueue<String[]> door) throws InterruptedException {
        Map<String, Dispatcher.Registered> objects = new ConcurrentHashMap<>();
        Factory factory = new Factory() {
            @Override
            public void create(String kind, String name, Object parameter) {
                Dispatcher.Registered created = switch (kind) {
                    case "dict" -> new Dispatcher.Registered(Map.class, new ConcurrentHashMap<>());
                    case "list" -> new Dispatcher.Registered(List.class, Collections.synchronizedList(new ArrayList<>()));
                    case "queue" -> new Dispatcher.Registered(BlockingQueue.class, new LinkedBlockingQueue<>());
                    case "joinable" -> new Dispatcher.Registered(ManagedJoinableQueue.class, new ManagedObjects.JoinableImpl<>());
                    case "namespace" -> new Dispatcher.Registered(Namespace.class, new ManagedObjects.NamespaceImpl());
                    case "value" -> new Dispatcher.Registered(ManagedValue.class, new ManagedObjects.ValueImpl<>(parameter));
                    case "lock" -> new Dispatcher.Registered(ManagedObjects.LockService.class,
                            new ManagedObjects.LockImpl(Boolean.TRUE.equals(parameter)));
                    case "semaphore", "bsemaphore" -> new Dispatcher.Registered(ManagedObjects.SemaphoreService.class,
                            new ManagedObjects.SemaphoreImpl((Integer) parameter, kind.equals("bsemaphore")));
                    case "event" -> new Dispatcher.Registered(ManagedObjects.EventService.class, new ManagedObjects.EventImpl());
                    default -> throw new IllegalArgumentException("unknown kind " + kind);
                };
                if (objects.putIfAbsent(name, created) != null) {
                    throw new IllegalArgumentException("name taken: " + name);
                }
            }

            @Override
            public boolean release(String name) {
                return !name.isEmpty() && objects.remove(name) != null;
            }
        };
        objects.put("", new Dispatcher.Registered(Factory.class, factory));
        java.util.Set<QueueCore> attached = ConcurrentHashMap.newKeySet();
        try {
            while (true) {
                String[] paths;
                try {
                    paths = door.take();
                } catch (IllegalStateException closed) {
                    return; // the manager was closed
                }
                QueueCore requests = null;
                try {
                    if (paths == null || paths.length != 2) {
                        throw new IllegalArgumentException("malformed connection request");
                    }
                    requests = QueueCore.attach(Path.of(paths[0]));
                    QueueCore replies = QueueCore.attach(Path.of(paths[1]));
                    QueueCore in = requests;
                    attached.add(in);
                    attached.add(replies);
                    // a platform thread per connection sleeps on the channel's futex itself; a virtual
                    // thread needs a watcher's wake-up and an unpark per request (half the calls/s)
                    Thread.ofPlatform().daemon().name("mp4j-manager-connection").start(() -> {
                        try {
                            serveChannel(objects, in, replies);
                        } finally {
                            attached.remove(in);
                            attached.remove(replies);
                            in.close();
                            replies.close();
                        }
                    });
                } catch (RuntimeException e) {
                    // the caller gave up before we attached (its files are gone): serve the others
                    if (requests != null) {
                        requests.close();
                    }
                }
            }
        } finally {
            attached.forEach(QueueCore::close);
        }
    }

    /** Whether the process that created a channel file is gone (its name carries its pid). */
    private static boolean creatorDied(QueueCore core) {
        long pid = io.github.multiprocessing4j.internal.shm.SharedFiles.ownerPid(core.path().getFileName().toString());
        return pid > 0 && !io.github.multiprocessing4j.internal.ipc.ProcessLock.isAlive((int) pid);
    }

    private static void serveChannel(Map<String, Dispatcher.Registered> objects, QueueCore requests,
            QueueCore replies) {
        Bytes bytes = new Bytes(256);
        try {
            while (true) {
                if (requests.take(bytes, java.util.concurrent.TimeUnit.SECONDS.toNanos(1)) < 0) {
                    if (creatorDied(requests)) {
                        return; // its JVM exited without closing the channel
                    }
                    continue;
                }
                Object[] reply;
                try {
                    reply = Dispatcher.call(objects, Wire.readValues(bytes.array(), 0, bytes.size(), LocalChannels.CODEC),
                            LocalChannels.CODEC);
                } catch (RuntimeException | LinkageError e) {
                    reply = Dispatcher.call(Map.of(), new Object[] {"?"}, LocalChannels.CODEC); // a malformed request
                }
                bytes.clear();
                try {
                    for (Object value : reply) {
                        Wire.writeValue(bytes, value, LocalChannels.CODEC, "result");
                    }
                } catch (RuntimeException | Error notSerializable) {
                    bytes.clear();
                    Wire.writeValue(bytes, Boolean.FALSE, LocalChannels.CODEC, "result");
                    Wire.writeValue(bytes, io.github.multiprocessing4j.internal.codec.RemoteThrowables.encode(
                            LocalChannels.CODEC, notSerializable), LocalChannels.CODEC, "result");
                }
                replies.put((byte) 0, bytes.array(), bytes.size(), -1);
            }
        } catch (InterruptedException | RuntimeException e) {
            // the client closed its connection, or the manager is closing
        }
    }
}
