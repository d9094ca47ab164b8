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
 * Mutual authentication with a shared key, before anything is deserialized: each side sends the
 * other a random challenge and checks that the answer is HMAC-SHA256(key, challenge), compared in
 * constant time. The key itself never crosses the wire. The server challenges first; a side that
 * fails tells the other and closes.
 */
public final class Handshake {

    private static final byte[] CHALLENGE = "#MP4J-CHALLENGE-1#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "#MP4J-WELCOME#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "#MP4J-FAILURE#".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 32;
    private static final int MAX_HANDSHAKE_FRAME = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * The server's side: challenge the client, then answer its challenge.
     *
     * @param channel the connection
     * @param key the shared key
     * @param timeoutMillis how long each step may take
     * @throws AuthenticationException if the client does not know the key or speaks another protocol
     * @throws IOException if the connection fails or times out
     */
    public static void server(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        challenge(channel, key, timeoutMillis);
        answer(channel, key, timeoutMillis);
    }

    /**
     * The client's side: answer the server's challenge, then challenge it.
     *
     * @param channel the connection
     * @param key the shared key
     * @param timeoutMillis how long each step may take
     * @throws AuthenticationException if the server does not know the key or refused ours
     * @throws IOException if the connection fails or times out
     */
    public static void client(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        answer(channel, key, timeoutMillis);
        challenge(channel, key, timeoutMillis);
    }

    private static void challenge(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] message = concat(CHALLENGE, nonce);
        channel.write(message, 0, message.length, timeoutMillis);
        byte[] answer = readSmall(channel, timeoutMillis);
        if (!MessageDigest.isEqual(answer, hmac(key, nonce))) {
            channel.write(FAILURE, 0, FAILURE.length, timeoutMillis);
            throw new AuthenticationException("the other end does not know the authentication key");
        }
        channel.write(WELCOME, 0, WELCOME.length, timeoutMillis);
    }

    private static void answer(FramedChannel channel, byte[] key, long timeoutMillis) throws IOException {
        byte[] message = readSmall(channel, timeoutMillis);
        if (message.length != CHALLENGE.length + NONCE_BYTES
                || !Arrays.equals(message, 0, CHALLENGE.length, CHALLENGE, 0, CHALLENGE.length)) {
            throw new AuthenticationException("the other end did not start with a multiprocessing4j challenge");
        }
        byte[] answer = hmac(key, Arrays.copyOfRange(message, CHALLENGE.length, message.length));
        channel.write(answer, 0, answer.length, timeoutMillis);
        byte[] verdict = readSmall(channel, timeoutMillis);
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new AuthenticationException("authentication failed: the other end does not accept our key");
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

    private static byte[] hmac(byte[] key, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
