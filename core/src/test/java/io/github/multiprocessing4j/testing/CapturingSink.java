package io.github.multiprocessing4j.testing;

import io.github.multiprocessing4j.OutputSink;
import java.util.ArrayList;
import java.util.List;

/** Records every forwarded line as {@code name|STREAM|line}. Thread-safe. */
public final class CapturingSink implements OutputSink {

    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void line(String workerName, Stream stream, String line) {
        lines.add(workerName + "|" + stream + "|" + line);
    }

    /**
     * The lines of one worker and stream, in arrival order.
     *
     * @param workerName the worker
     * @param stream the stream
     * @return the lines without the name and stream
     */
    public synchronized List<String> lines(String workerName, Stream stream) {
        String prefix = workerName + "|" + stream + "|";
        List<String> selected = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                selected.add(line.substring(prefix.length()));
            }
        }
        return selected;
    }
}
