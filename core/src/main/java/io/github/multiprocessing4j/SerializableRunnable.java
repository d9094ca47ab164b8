package io.github.multiprocessing4j;

import java.io.Serializable;

/**
 * A task without a result that can be sent to another JVM: the target of a {@link WorkerProcess}.
 *
 * <p>A lambda or method reference assigned to this type is compiled as a serializable lambda, so
 * it can be copied to a worker JVM together with the values it captures. Everything it captures
 * must itself be serializable by the context's codec; if it is not, {@link WorkerProcess#start()}
 * fails in the caller's thread with a {@link NotSerializableTaskException} that names the path to
 * the offending object.
 *
 * <p>{@link #run()} may throw any exception, as {@link java.util.concurrent.Callable#call()} does,
 * so a target such as {@code () -> Files.writeString(path, "x")} compiles without a try/catch. An
 * exception thrown in a worker reaches the parent (see {@link WorkerProcess#failure()}).
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {
    /**
     * Runs the task.
     *
     * @throws Exception anything the task throws; it is reported to the parent
     */
    void run() throws Exception;
}
