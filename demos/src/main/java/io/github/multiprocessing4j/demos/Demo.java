package io.github.multiprocessing4j.demos;

/**
 * One of the talks' experiments. Implementations run every variant, check every result (a wrong sum,
 * checksum or count throws {@link DemoCheckException}), and return the figures.
 */
public interface Demo {

    /**
     * The command name, such as {@code primes}.
     *
     * @return the name
     */
    String name();

    /**
     * How many progress steps {@link #run} reports, for the progress bar.
     *
     * @param settings the settings it will run with
     * @return the number of steps
     */
    int steps(DemoSettings settings);

    /**
     * Runs the demo.
     *
     * @param settings sizes, workers, output folder and the CPython peer
     * @return the figures
     * @throws DemoCheckException if a result is wrong
     * @throws Exception if the demo cannot run
     */
    DemoResult run(DemoSettings settings) throws Exception;
}
