package io.github.multiprocessing4j.internal.launch;

/** Frame types of the control channel. */
public final class Frames {
    /** Worker to parent, first frame: the secret token and the worker's pid. */
    public static final byte HELLO = 1;
    /** Parent to worker: codec name and an encoded {@code SerializableRunnable} to run, then exit. */
    public static final byte RUN = 2;
    /** Worker to parent: the target threw; an encoded exception follows. */
    public static final byte FAILED = 3;
    /** Worker to parent: the JVM is exiting through {@code Runtime.exit} with a status. */
    public static final byte EXITING = 4;
    /** Parent to worker: start serving a pool over shared-memory rings. */
    public static final byte POOL = 5;

    private Frames() {
    }
}
