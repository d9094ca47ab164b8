/**
 * multiprocessing4j: Python's {@code multiprocessing} for the JVM.
 *
 * <p>The public API is the root package, plus the codec SPI. Everything under {@code internal} is
 * implementation.
 */
module io.github.multiprocessing4j {
    requires java.logging;
    requires static org.apache.fory.core;

    exports io.github.multiprocessing4j;
    exports io.github.multiprocessing4j.spi;
    exports io.github.multiprocessing4j.manager;

    uses io.github.multiprocessing4j.spi.Codec;
}
