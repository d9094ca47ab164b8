package io.github.multiprocessing4j.internal.ipc;

/** Thrown by a queue operation on (or waiting when) the queue is closed. */
public final class QueueClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** A new exception with the standard message. */
    public QueueClosedException() {
        super("the queue is closed");
    }
}
