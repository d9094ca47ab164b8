package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.spi.Codec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs manager requests on served objects, for both the network server and the local manager. A
 * request is: object name, method name, the parameter type names joined by commas, then the
 * arguments; the reply is {@code true} and the result, or {@code false} and the encoded exception.
 * Only methods of the interface an object is served under can be called.
 */
final class Dispatcher {

    /** An object and the interface it is served under. */
    record Registered(Class<?> type, Object target) {
    }

    private Dispatcher() {
    }

    static Object[] call(Map<String, Registered> objects, Object[] request, Codec codec) {
        try {
            if (request.length < 3 || !(request[0] instanceof String name) || !(request[1] instanceof String methodName)
                    || !(request[2] instanceof String typeList)) {
                throw new IllegalArgumentException("malformed manager request");
            }
            Object[] args = Arrays.copyOfRange(request, 3, request.length);
            Registered registered = objects.get(name);
            if (registered == null) {
                throw new IllegalArgumentException("no object named '" + name + "' (it was released, or never "
                        + "registered; registered: " + objects.keySet().stream().limit(10).toList()
                        + (objects.size() > 10 ? " and " + (objects.size() - 10) + " more" : "") + ")");
            }
            Method method = find(registered.type(), methodName, typeList);
            if (method.getParameterCount() != args.length) {
                throw new IllegalArgumentException("malformed manager request: " + method.getParameterCount()
                        + " parameters, " + args.length + " arguments");
            }
            return new Object[] {Boolean.TRUE, portable(method.invoke(registered.target(), args))};
        } catch (InvocationTargetException e) {
            return new Object[] {Boolean.FALSE, RemoteThrowables.encode(codec, e.getCause())};
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new Object[] {Boolean.FALSE, RemoteThrowables.encode(codec, e)};
        }
    }

    /**
     * A result that can cross: iterators, streams and live collection views become copies
     * ({@link #adapt} turns them back into what the method returns, on the caller's side).
     */
    static Object portable(Object result) {
        if (result instanceof java.util.Iterator<?> iterator) {
            java.util.List<Object> copy = new java.util.ArrayList<>();
            iterator.forEachRemaining(copy::add);
            return copy;
        }
        if (result instanceof java.util.Spliterator<?> spliterator) {
            java.util.List<Object> copy = new java.util.ArrayList<>();
            spliterator.forEachRemaining(copy::add);
            return copy;
        }
        if (result instanceof java.util.stream.BaseStream<?, ?> stream) {
            return portable(stream.iterator());
        }
        if (result instanceof java.util.Set<?> set && !(result instanceof java.util.HashSet<?>)
                && !(result instanceof java.util.TreeSet<?>)) {
            java.util.Set<Object> copy = new java.util.LinkedHashSet<>();
            for (Object element : set) {
                copy.add(element instanceof Map.Entry<?, ?> entry
                        ? new java.util.AbstractMap.SimpleImmutableEntry<>(entry.getKey(), entry.getValue()) : element);
            }
            return copy;
        }
        if (result instanceof java.util.Collection<?> collection && !(result instanceof java.util.ArrayList<?>)
                && !(result instanceof java.util.LinkedList<?>) && !(result instanceof java.util.Set<?>)) {
            return new java.util.ArrayList<>(collection);
        }
        return result;
    }

    /** What a caller's method gets back for a {@link #portable} result. */
    static Object adapt(Method method, Object result) {
        Class<?> returns = method.getReturnType();
        if (result instanceof java.util.List<?> list) {
            if (returns == java.util.Iterator.class) {
                return list.iterator();
            }
            if (returns == java.util.ListIterator.class) {
                return list.listIterator();
            }
            if (returns == java.util.Spliterator.class) {
                return list.spliterator();
            }
            if (returns == java.util.stream.Stream.class) {
                return list.stream();
            }
        }
        return result;
    }

    /** Methods found by type, name and parameter type names. */
    private static final Map<String, Method> FOUND = new java.util.concurrent.ConcurrentHashMap<>();
    /** Parameter type names of each method called through a proxy, joined. */
    private static final Map<Method, String> SIGNATURES = new java.util.concurrent.ConcurrentHashMap<>();

    static Method find(Class<?> type, String name, String typeList) throws NoSuchMethodException {
        String key = System.identityHashCode(type) + type.getName() + '#' + name + '(' + typeList + ')';
        Method method = FOUND.get(key);
        if (method == null) {
            method = find(type, name, typeList.isEmpty() ? new String[0] : typeList.split(","));
            FOUND.put(key, method);
        }
        return method;
    }

    static Method find(Class<?> type, String name, String[] parameterTypes) throws NoSuchMethodException {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getDeclaringClass() != Object.class
                    && !java.lang.reflect.Modifier.isStatic(method.getModifiers()) && !method.isSynthetic()
                    && !method.isBridge()
                    && Arrays.equals(Arrays.stream(method.getParameterTypes()).map(Class::getName).toArray(), parameterTypes)) {
                return method;
            }
        }
        throw new NoSuchMethodException(type.getName() + " has no method " + name + Arrays.toString(parameterTypes));
    }

    /** Default methods a proxy runs on the caller's side: they only read, through other calls. */
    private static final java.util.Set<String> LOCAL_DEFAULTS = java.util.Set.of("forEach", "stream", "parallelStream",
            "spliterator", "toArray");

    /**
     * Whether a proxy runs {@code method} itself instead of forwarding it: only reading default
     * methods, whose arguments (a {@code Consumer}, an array factory) could not cross anyway.
     * Every other method, default ones included, runs in the manager on the object itself, so
     * {@code putIfAbsent}, {@code merge} or {@code removeIf} keep the target's semantics (their
     * function arguments must then be serializable).
     */
    static boolean runsLocally(Method method) {
        return method.isDefault() && LOCAL_DEFAULTS.contains(method.getName());
    }

    /** The request for {@code method} with {@code args} on the object {@code name}. */
    static Object[] request(String name, Method method, Object[] args) {
        int count = args == null ? 0 : args.length;
        Object[] request = new Object[3 + count];
        request[0] = name;
        request[1] = method.getName();
        request[2] = SIGNATURES.computeIfAbsent(method,
                m -> String.join(",", Arrays.stream(m.getParameterTypes()).map(Class::getName).toList()));
        if (count > 0) {
            System.arraycopy(args, 0, request, 3, count);
        }
        return request;
    }

    /** The result of a reply, or its exception thrown. */
    static Object result(Object[] reply, Codec codec, String where) throws Throwable {
        if (reply.length != 2 || !(reply[0] instanceof Boolean ok)) {
            throw new IllegalStateException("malformed reply from the manager at " + where);
        }
        if (ok) {
            return reply[1];
        }
        throw RemoteThrowables.decode(codec, (byte[]) reply[1]);
    }
}
