package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.SharedQueue;
import java.io.Serial;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The handler behind a local manager's proxies. It is serializable (a reference: the manager's
 * door queue and the object's name), so proxies travel into tasks and workers.
 */
final class LocalProxy implements InvocationHandler, java.io.Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

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
                        && other.name.equals(name) && other.door.toString().equals(door.toString());
                case "hashCode" -> name.hashCode();
                default -> "proxy of " + typeName + " '" + name + "' in " + door;
            };
        }
        if (Dispatcher.runsLocally(method)) {
            // stream(), forEach(..): run here, on top of remote calls (iterators come back as copies)
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        LocalChannels to = channels;
        if (to == null) {
            to = LocalChannels.of(door);
            channels = to;
        }
        return Dispatcher.adapt(method, Dispatcher.result(to.call(Dispatcher.request(name, method, args)),
                LocalChannels.CODEC, "manager " + door));
    }
}
