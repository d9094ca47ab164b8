package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.OutputSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one output stream of a worker JVM line by line and forwards each line, in order, to an
 * {@link OutputSink}; keeps the last lines for crash reports. A sink that throws does not stop the
 * pump: the worker must never block on a full pipe.
 */
final class OutputPump implements Runnable {

    /** How many trailing lines are kept. */
    static final int KEPT_LINES = 20;

    private final InputStream in;
    private final String workerName;
    private final OutputSink.Stream stream;
    private final OutputSink sink;
    private final ArrayDeque<String> last = new ArrayDeque<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean sinkFailed;

    OutputPump(InputStream in, String workerName, OutputSink.Stream stream, OutputSink sink) {
        this.in = in;
        this.workerName = workerName;
        this.stream = stream;
        this.sink = sink;
    }

    /** Starts the pump on its own platform daemon thread. */
    OutputPump start() {
        Thread thread = new Thread(this, "mp4j-" + stream.name().toLowerCase() + "-" + workerName);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        emit(line);
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
            }
        } catch (IOException e) {
            // the stream was closed: the worker is gone
        } finally {
            if (line.size() > 0) {
                emit(line);
            }
            done.complete(null);
        }
    }

    private void emit(ByteArrayOutputStream bytes) {
        int length = bytes.size();
        byte[] raw = bytes.toByteArray();
        if (length > 0 && raw[length - 1] == '\r') {
            length--;
        }
        String text = new String(raw, 0, length, StandardCharsets.UTF_8);
        bytes.reset();
        synchronized (last) {
            if (last.size() == KEPT_LINES) {
                last.removeFirst();
            }
            last.addLast(text);
        }
        try {
            sink.line(workerName, stream, text);
        } catch (RuntimeException e) {
            if (!sinkFailed) {
                sinkFailed = true;
                System.err.println("multiprocessing4j: the output sink threw " + e + "; further errors are not shown");
            }
        }
    }

    /** The last lines read, oldest first. */
    List<String> lastLines() {
        synchronized (last) {
            return List.copyOf(last);
        }
    }

    /** Completed when the stream has ended. */
    CompletableFuture<Void> done() {
        return done;
    }
}
