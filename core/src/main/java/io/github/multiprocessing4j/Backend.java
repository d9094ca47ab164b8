package io.github.multiprocessing4j;

/**
 * Where a {@link Context} runs its work. Code written against {@link Context} runs unchanged on
 * every backend; the javadoc of each factory says where the backends differ.
 */
public enum Backend {
    /**
     * Separate worker JVMs, like Python's {@code multiprocessing} with the {@code spawn} start
     * method: each worker has its own heap and garbage collector, can be killed without harming the
     * parent, and receives copies of its target and arguments.
     */
    PROCESSES,
    /**
     * Platform threads in this JVM, like Python's {@code multiprocessing.dummy}: the same API, shared
     * memory, no copying; a target that calls {@code System.exit} ends the whole JVM.
     */
    THREADS,
    /**
     * Virtual threads in this JVM: the same API as {@link #THREADS}, for many concurrent I/O-bound
     * tasks.
     */
    VIRTUAL_THREADS
}
