package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Takes answers that worker processes put on a queue, and fails at once, naming the worker, when
 * one of them dies or fails instead of waiting out the whole timeout.
 */
final class Answers {

    /** How long a wait for an answer lasts before the workers are checked. */
    private static final long SLICE_MILLIS = 200;

    private Answers() {
    }

    /**
     * The next answer on {@code answers}.
     *
     * @param answers where the workers put their answers
     * @param workers the workers that put them
     * @param timeout how long to wait at most
     * @param what what is awaited, for the error messages ("fib result")
     * @return the answer
     * @throws IllegalStateException if a worker ended with a failure or a non-zero exit code, if
     *     every worker ended and no answer is left, or on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    static <T> T next(BlockingQueue<T> answers, List<WorkerProcess> workers, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T answer = answers.poll(SLICE_MILLIS, TimeUnit.MILLISECONDS);
            if (answer != null) {
                return answer;
            }
            boolean allEnded = true;
            for (WorkerProcess worker : workers) {
                OptionalInt code = worker.exitCode();
                if (code.isEmpty()) {
                    allEnded = false; // still running
                    continue;
                }
                int exitCode = code.getAsInt();
                if (worker.failure().isPresent() || exitCode != 0) {
                    throw new IllegalStateException(worker.name() + " ended (exit code " + exitCode
                            + ") before every " + what + " arrived", worker.failure().orElse(null));
                }
            }
            if (allEnded) {
                answer = answers.poll(); // a worker's last put is visible once it has ended
                if (answer != null) {
                    return answer;
                }
                throw new IllegalStateException("every worker ended, but a " + what + " is missing");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("no " + what + " within " + (timeout.toSeconds() >= 60
                        ? timeout.toMinutes() + " minutes" : timeout.toMillis() + " ms"));
            }
        }
    }
}
