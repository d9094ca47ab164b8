package io.github.multiprocessing4j;

import java.io.IOException;
import java.io.Serial;

/**
 * The other end of a network connection did not prove that it knows the shared authentication
 * key (or sent something that is not our handshake): Python's {@code AuthenticationError}. Nothing
 * the other end sent was deserialized.
 */
public class AuthenticationException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, without any secret
     */
    public AuthenticationException(String message) {
        super(message);
    }
}
