package io.github.multiprocessing4j;

import java.io.Serial;

/**
 * Thrown in the caller's thread when a target, a task or one of its arguments cannot be copied to
 * another process by the context's codec.
 *
 * <p>The message and {@link #path()} name the route from the task to the object that failed, for
 * example {@code target -> captured arg$1 -> field 'socket' (java.net.Socket)}, so the fix is
 * obvious: make that class {@link java.io.Serializable}, mark the field {@code transient}, or
 * capture something else. Nothing was sent and nothing was started when this is thrown.
 */
public class NotSerializableTaskException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The path to the offending object. */
    private final String path;

    /**
     * Creates the exception.
     *
     * @param path the path from the task to the object that cannot be serialized
     * @param cause the codec's own exception
     */
    public NotSerializableTaskException(String path, Throwable cause) {
        super("cannot serialize " + path + " (expected: a java.io.Serializable object; make the class "
                + "Serializable, mark the field transient, or do not capture it)", cause);
        this.path = path;
    }

    /**
     * The path from the task to the object that cannot be serialized, as in
     * {@code target -> captured arg$1 -> field 'socket' (java.net.Socket)}.
     *
     * @return the path, never {@code null}
     */
    public String path() {
        return path;
    }
}
