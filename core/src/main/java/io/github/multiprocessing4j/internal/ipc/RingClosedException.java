package io.github.multiprocessing4j.internal.ipc;

import java.io.Serial;

/** The ring was closed: its peer is gone or the owner shut it. */
public final class RingClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public RingClosedException() {
        super("ring closed");
    }
}
