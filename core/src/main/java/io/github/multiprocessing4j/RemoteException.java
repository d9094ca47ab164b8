package io.github.multiprocessing4j;

import java.io.Serial;
import java.util.Objects;

/**
 * An exception raised in another process whose class could not be recreated here (it is not
 * serializable, or its class is missing on this side).
 *
 * <p>It carries the remote exception's class name, message and stack trace (as this exception's
 * own {@link #getStackTrace() stack trace}), and its cause chain as further
 * {@code RemoteException}s or the original types. Where the original exception can be
 * deserialized, callers receive that type instead, with its remote stack trace.
 */
public class RemoteException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The binary name of the remote exception's class. */
    private final String remoteClassName;

    /** The remote exception's own message, or {@code null}. */
    private final String remoteMessage;

    /**
     * Creates a remote exception.
     *
     * @param remoteClassName the binary class name of the remote exception
     * @param remoteMessage the remote exception's message, may be {@code null}
     * @param cause the remote cause, may be {@code null}
     */
    public RemoteException(String remoteClassName, String remoteMessage, Throwable cause) {
        super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
        this.remoteMessage = remoteMessage;
    }

    /**
     * The binary name of the remote exception's class, for example
     * {@code com.example.ParseException}.
     *
     * @return the class name
     */
    public String remoteClassName() {
        return remoteClassName;
    }

    /**
     * The remote exception's own message, without the class name.
     *
     * @return the message, or {@code null} when it had none
     */
    public String remoteMessage() {
        return remoteMessage;
    }
}
