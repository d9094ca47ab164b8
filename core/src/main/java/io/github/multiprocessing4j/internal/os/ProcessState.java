package io.github.multiprocessing4j.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process is really running. {@link ProcessHandle#isAlive()} counts a zombie (a process
 * that has ended but whose parent has not reaped it) as alive; when a worker's parent is gone, the
 * worker is reparented to an init that may be slow, or in containers unwilling, to reap it. A
 * zombie holds no memory, files or locks, so for every purpose of this library it is dead.
 */
public final class ProcessState {

    private ProcessState() {
    }

    /**
     * Whether the process exists and is not a zombie.
     *
     * @param pid the process id
     * @return {@code true} if it is running (or sleeping, or stopped)
     */
    public static boolean isRunning(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String content = Files.readString(stat);
            // pid (comm) state ...: comm may contain spaces and parentheses, so look after the last ')'
            int close = content.lastIndexOf(')');
            char state = close > 0 && close + 2 < content.length() ? content.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X' && state != 'x';
        } catch (IOException e) {
            return false; // it vanished while we looked
        }
    }
}
