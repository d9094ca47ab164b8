/**
 * Runnable examples of multiprocessing4j, one per talk experiment and Python documentation example.
 * A JPMS module, so the build also proves worker JVMs work on the module path.
 */
module io.github.multiprocessing4j.examples {
    requires io.github.multiprocessing4j;

    exports io.github.multiprocessing4j.examples;
}
