package io.github.multiprocessing4j;

import java.io.Serial;
import java.util.List;
import java.util.Objects;

/**
 * A worker JVM ended while it was running a task or target: it called {@code System.exit}, was
 * halted, ran out of memory, was killed by a signal, or crashed in native code.
 *
 * <p>Only the work that process was running fails with this exception; a pool replaces the worker
 * and goes on. The exception carries what is known about the death: the process id, the exit code
 * (negative for a signal, as in Python: {@code -9} for SIGKILL), and the last lines the worker
 * wrote to its standard error, which usually say why.
 */
public class WorkerCrashedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Process id of the worker that died. */
    private final long pid;

    /** Exit code, negative for a signal. */
    private final int exitCode;

    /** The last lines of the worker's standard error. */
    private final String[] lastStderrLines;

    /**
     * Creates the exception.
     *
     * @param workerName the worker's name
     * @param pid the worker's process id
     * @param exitCode the exit code, negative for a signal
     * @param lastStderrLines the last lines of the worker's standard error, oldest first
     */
    public WorkerCrashedException(String workerName, long pid, int exitCode, List<String> lastStderrLines) {
        super(describe(workerName, pid, exitCode, lastStderrLines));
        this.pid = pid;
        this.exitCode = exitCode;
        this.lastStderrLines = Objects.requireNonNull(lastStderrLines, "lastStderrLines").toArray(String[]::new);
    }

    private static String describe(String workerName, long pid, int exitCode, List<String> lines) {
        StringBuilder text = new StringBuilder("worker '").append(workerName).append("' (pid ").append(pid)
                .append(") died: ");
        if (exitCode < 0) {
            text.append("killed by signal ").append(-exitCode).append(signalName(-exitCode));
        } else {
            text.append("exit code ").append(exitCode);
        }
        if (!lines.isEmpty()) {
            text.append("; last stderr lines:");
            for (String line : lines) {
                text.append(System.lineSeparator()).append("  ").append(line);
            }
        }
        return text.toString();
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    /**
     * The process id of the worker that died.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * The worker's exit code: its status when it exited, or minus the signal number when a signal
     * killed it (as Python's {@code Process.exitcode}).
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The last lines the worker wrote to its standard error before it died, oldest first.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<String> lastStderrLines() {
        return List.of(lastStderrLines);
    }
}
