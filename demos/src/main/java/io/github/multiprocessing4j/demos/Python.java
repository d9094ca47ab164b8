package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.bench.Measurement;
import io.github.multiprocessing4j.bench.PythonPeer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * CPython's {@code multiprocessing} peer ({@code ../shared/bench/python}), run with the same parameters
 * as a demo. A trial that fails is reported and leaves its rows without a CPython figure; it never
 * fails the demo.
 */
public final class Python {

    private final PythonPeer peer;
    private final String version;

    private Python(PythonPeer peer, String version) {
        this.peer = peer;
        this.version = version;
    }

    /**
     * Prepares the peer.
     *
     * @param source the folder holding {@code bench.py}
     * @param scratch a writable folder for its copy and venv
     * @return the peer, or empty when python3 or the scripts are missing
     * @throws InterruptedException if interrupted
     */
    public static Optional<Python> prepare(Path source, Path scratch) throws InterruptedException {
        try {
            Optional<PythonPeer> peer = PythonPeer.prepare(source, scratch);
            if (peer.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Python(peer.get(), peer.get().version()));
        } catch (IOException e) {
            System.err.println("CPython peer not available: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The interpreter's version, such as {@code Python 3.11.7}. */
    public String version() {
        return version;
    }

    /**
     * Runs one trial.
     *
     * @param environment {@code PYB_*} parameters
     * @param args the {@code bench.py} arguments, such as {@code primes serial}
     * @return the figures by name, empty when the trial failed
     * @throws InterruptedException if interrupted
     */
    public Map<String, Double> run(Map<String, String> environment, String... args) throws InterruptedException {
        try {
            List<Measurement> measurements = peer.trial(environment, 900, args);
            Map<String, Double> values = new LinkedHashMap<>();
            for (Measurement m : measurements) {
                values.put(m.name(), m.value());
            }
            return values;
        } catch (IOException | RuntimeException e) {
            System.err.println("CPython trial '" + String.join(" ", args) + "' failed: " + e.getMessage());
            return Map.of();
        }
    }

    /**
     * One figure of a trial.
     *
     * @param values what {@link #run} returned
     * @param name the figure's name, such as {@code primes.serial}
     * @return its value, or empty
     */
    public static OptionalDouble figure(Map<String, Double> values, String name) {
        Double value = values.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
