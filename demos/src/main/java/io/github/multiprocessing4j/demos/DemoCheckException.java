package io.github.multiprocessing4j.demos;

/** A demo computed a wrong result: a sum, checksum or count differs from what it must be. */
public final class DemoCheckException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, with the expected and the actual value
     */
    public DemoCheckException(String message) {
        super(message);
    }

    /**
     * Throws when two values differ.
     *
     * @param what what was compared, for the message
     * @param expected the right value
     * @param actual the computed value
     * @throws DemoCheckException if they differ
     */
    public static void expectEqual(String what, Object expected, Object actual) {
        if (!java.util.Objects.equals(expected, actual)) {
            throw new DemoCheckException(what + ": expected " + expected + " but got " + actual);
        }
    }
}
