package io.github.multiprocessing4j.internal.codec;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Explains a serialization failure: walks an object graph the way Java serialization does and
 * returns the path to the first object that is not {@link Serializable}, such as
 * {@code target -> captured arg$1 -> field 'socket' (java.net.Socket)}.
 *
 * <p>Only used after a codec has already failed, so it favours clarity over speed. Lambdas are
 * followed through their captured arguments, collections and maps through their elements, other
 * objects through their non-static, non-transient fields. Objects whose fields this module may not
 * read (a named module that does not open its package) are not entered.
 */
public final class ObjectPaths {

    private static final int MAX_DEPTH = 64;

    private ObjectPaths() {
    }

    /**
     * The path to the first object in {@code root}'s graph that is not serializable.
     *
     * @param root the object that failed to serialize
     * @param rootName how to call it at the start of the path, for example {@code target}
     * @return the path ending in the offending class in parentheses, or empty if none was found
     */
    public static Optional<String> findNotSerializable(Object root, String rootName) {
        return Optional.ofNullable(walk(root, rootName, new IdentityHashMap<>(), 0));
    }

    private static String walk(Object object, String path, Map<Object, Boolean> seen, int depth) {
        if (object == null || depth > MAX_DEPTH || seen.put(object, Boolean.TRUE) != null) {
            return null;
        }
        Class<?> type = object.getClass();
        if (isLeaf(type)) {
            return null;
        }
        if (type.isArray()) {
            if (type.getComponentType().isPrimitive()) {
                return null;
            }
            int length = Array.getLength(object);
            for (int i = 0; i < length; i++) {
                String found = walk(Array.get(object, i), path + "[" + i + "]", seen, depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (!(object instanceof Serializable)) {
            return path + " (" + describe(type) + ")";
        }
        if (isLambda(type)) {
            return walkFields(object, type, path, seen, depth, "captured ");
        }
        if (object instanceof Collection<?> collection && type.getName().startsWith("java.")) {
            int i = 0;
            for (Object element : collection) {
                String found = walk(element, path + " -> element [" + i++ + "]", seen, depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (object instanceof Map<?, ?> map && type.getName().startsWith("java.")) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String found = walk(entry.getKey(), path + " -> key " + shortString(entry.getKey()), seen, depth + 1);
                if (found == null) {
                    found = walk(entry.getValue(), path + " -> value of key " + shortString(entry.getKey()), seen,
                            depth + 1);
                }
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        Object replaced = writeReplace(object, type);
        if (replaced != object) {
            return walk(replaced, path, seen, depth + 1);
        }
        for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            String found = walkFields(object, c, path, seen, depth, "field ");
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String walkFields(Object object, Class<?> type, String path, Map<Object, Boolean> seen, int depth,
            String label) {
        for (Field field : type.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType().isPrimitive()) {
                continue;
            }
            Object value;
            try {
                field.setAccessible(true);
                value = field.get(object);
            } catch (RuntimeException | IllegalAccessException e) {
                continue;
            }
            String name = label.equals("field ") ? "field '" + field.getName() + "'" : label + field.getName();
            String found = walk(value, path + " -> " + name, seen, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Object writeReplace(Object object, Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod("writeReplace");
                method.setAccessible(true);
                return method.invoke(object);
            } catch (NoSuchMethodException e) {
                // look further up
            } catch (ReflectiveOperationException | RuntimeException e) {
                return object;
            }
        }
        return object;
    }

    private static boolean isLeaf(Class<?> type) {
        return type.isPrimitive() || type == String.class || Number.class.isAssignableFrom(type) && type.getName()
                .startsWith("java.") || type == Boolean.class || type == Character.class || type.isEnum()
                || type == Class.class;
    }

    private static boolean isLambda(Class<?> type) {
        return type.isSynthetic() && type.getName().contains("$$Lambda");
    }

    private static String describe(Class<?> type) {
        return isLambda(type) ? "a lambda that is not Serializable, from " + type.getNestHost().getName()
                : type.getName();
    }

    private static String shortString(Object key) {
        String text = String.valueOf(key);
        return text.length() > 40 ? "'" + text.substring(0, 37) + "...'" : "'" + text + "'";
    }
}
