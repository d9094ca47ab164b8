package io.github.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Tells the parent, from inside a worker JVM, the status it exits with.
 *
 * <p>Why: the parent only sees the JVM's exit value, in which {@code System.exit(137)} and death by
 * SIGKILL look the same (128 + 9), and a JVM ended by SIGTERM exits normally with 143. The JDK
 * logs every {@code Runtime.exit} call, with its status and stack, to the {@code System.Logger}
 * named {@code java.lang.Runtime} at level DEBUG (documented in {@link Runtime#exit(int)}). This
 * handler receives that record and sends the status to the parent before the JVM halts, marking
 * exits that come from the JVM's signal handler ({@code java.lang.Terminator}) so the parent reports
 * them as signals. Without a report (halt, SIGKILL, crash) the parent decodes the exit value.
 */
final class ExitReporter extends Handler {

    /** Held strongly: the logging framework keeps loggers only weakly. */
    private static Logger runtimeLogger;

    private final ControlChannel control;

    private ExitReporter(ControlChannel control) {
        this.control = control;
    }

    static synchronized void install(ControlChannel control) {
        Logger logger = Logger.getLogger("java.lang.Runtime");
        logger.setLevel(Level.FINE);
        logger.addHandler(new ExitReporter(control));
        runtimeLogger = logger;
    }

    @Override
    public void publish(LogRecord record) {
        Throwable call = record.getThrown();
        if (call == null || call.getMessage() == null || !call.getMessage().startsWith("Runtime.exit(")) {
            return;
        }
        String message = call.getMessage();
        int status;
        try {
            status = Integer.parseInt(message.substring("Runtime.exit(".length(), message.length() - 1));
        } catch (RuntimeException e) {
            return;
        }
        boolean signal = false;
        for (StackTraceElement frame : call.getStackTrace()) {
            if (frame.getClassName().startsWith("java.lang.Terminator")) {
                signal = true;
                break;
            }
        }
        System.out.flush();
        System.err.flush();
        try {
            control.send(Frames.EXITING, ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(status).put((byte) (signal ? 1 : 0)).array());
        } catch (IOException e) {
            // the parent is gone; nobody to tell
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
