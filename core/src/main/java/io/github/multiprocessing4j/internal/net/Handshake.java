package io.github.multiprocessing4j.internal.net;

import io.github.multiprocessing4j.AuthenticationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual authentication with a shared key, before anything is deserialized: both sides
 * contribute a random nonce and each proves knowledge of the key with an HMAC-SHA256 over its
 * role and both nonces, compared in constant time. The key itself never crosses the wire. Frames
 * after the handshake are not authenticated one by one: use a trusted network or a tunnel against
 * an active man in the middle.
 */
public final class Handshake {

    private static final byte[] CHALLENGE = "#MP4J-CHALLENGE-1#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "#MP4J-FAILURE#".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 32;
    private static final int MAC_BYTES = 32;
    private static final int MAX_HANDSHAKE_FRAME = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * The server's side. The server sends its nonce; the client answers with its own nonce and
     * HMAC(key, "C" | server nonce | client nonce); the server checks it and answers with
     * HMAC(key, "S" | server nonce | client nonce), which the client checks. Each proof is bound
     * to its role and to both nonces of this connection, so it cannot be replayed or reflected
     * into another connection.
     *
     * @param channel the connection
     * @param key the shared key
     * @param timeoutMillis how long the whole handshake may take
     * @throws AuthenticationException if the client does not know the key or speaks another protocol
     * @throws IOException if the connection fails or times out
     */
    public static void server(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        byte[] serverNonce = nonce();
        byte[] hello = concat(CHALLENGE, serverNonce);
        channel.write(hello, 0, hello.length, remaining(deadline));
        byte[] answer = readSmall(channel, remaining(deadline));
        if (answer.length != NONCE_BYTES + MAC_BYTES) {
            throw new AuthenticationException("the other end did not answer the multiprocessing4j challenge");
        }
        byte[] clientNonce = Arrays.copyOfRange(answer, 0, NONCE_BYTES);
        byte[] proof = Arrays.copyOfRange(answer, NONCE_BYTES, answer.length);
        if (!MessageDigest.isEqual(proof, mac(key, 'C', serverNonce, clientNonce))) {
            channel.write(FAILURE, 0, FAILURE.length, remaining(deadline));
            throw new AuthenticationException("the other end does not know the authentication key");
        }
        byte[] serverProof = mac(key, 'S', serverNonce, clientNonce);
        channel.write(serverProof, 0, serverProof.length, remaining(deadline));
    }

    /**
     * The client's side (see {@link #server}).
     *
     * @param channel the connection
     * @param key the shared key
     * @param timeoutMillis how long the whole handshake may take
     * @throws AuthenticationException if the server does not know the key or refused ours
     * @throws IOException if the connection fails or times out
     */
    public static void client(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        byte[] hello = readSmall(channel, remaining(deadline));
        if (hello.length != CHALLENGE.length + NONCE_BYTES
                || !Arrays.equals(hello, 0, CHALLENGE.length, CHALLENGE, 0, CHALLENGE.length)) {
            throw new AuthenticationException("the other end did not start with a multiprocessing4j challenge");
        }
        byte[] serverNonce = Arrays.copyOfRange(hello, CHALLENGE.length, hello.length);
        byte[] clientNonce = nonce();
        byte[] answer = concat(clientNonce, mac(key, 'C', serverNonce, clientNonce));
        channel.write(answer, 0, answer.length, remaining(deadline));
        byte[] verdict = readSmall(channel, remaining(deadline));
        if (!MessageDigest.isEqual(verdict, mac(key, 'S', serverNonce, clientNonce))) {
            throw new AuthenticationException(Arrays.equals(verdict, FAILURE)
                    ? "authentication failed: the other end does not accept our key"
                    : "authentication failed: the other end does not know the key");
        }
    }

    private static long remaining(long deadline) throws IOException {
        long millis = (deadline - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new java.net.SocketTimeoutException("the handshake timed out");
        }
        return millis;
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] mac(byte[] key, char role, byte[] serverNonce, byte[] clientNonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((byte) role);
            mac.update(serverNonce);
            return mac.doFinal(clientNonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Reads a handshake frame without allocating what a hostile length asks for. */
    private static byte[] readSmall(FramedChannel channel, long timeoutMillis) throws IOException {
        try {
            return channel.read(timeoutMillis, MAX_HANDSHAKE_FRAME);
        } catch (java.io.EOFException e) {
            throw new AuthenticationException("the other end closed the connection during the handshake");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
