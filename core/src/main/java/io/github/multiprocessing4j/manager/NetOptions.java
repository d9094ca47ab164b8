package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.internal.codec.JdkCodec;
import io.github.multiprocessing4j.spi.Codec;
import java.io.ObjectInputFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** What listeners and clients share: the key, the allow-list, the limits. */
record NetOptions(byte[] authKey, Codec codec, int maxFrameBytes, long handshakeTimeoutMillis,
        long writeTimeoutMillis, long readTimeoutMillis, long idleTimeoutMillis, javax.net.ssl.SSLContext tls) {

    /**
     * Starts TLS on a new connection when it is configured: the end that connected is the TLS
     * client and checks that the server's certificate names the host it dialled.
     *
     * @param channel the connection, before any frame
     * @param client whether this end connected
     * @param address the address dialled or listened on
     */
    void startTls(io.github.multiprocessing4j.internal.net.FramedChannel channel, boolean client, java.net.SocketAddress address)
            throws java.io.IOException {
        if (tls == null) {
            return;
        }
        javax.net.ssl.SSLEngine engine;
        if (client && address instanceof java.net.InetSocketAddress inet) {
            engine = tls.createSSLEngine(inet.getHostString(), inet.getPort());
            javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            engine.setSSLParameters(parameters);
        } else {
            engine = tls.createSSLEngine();
        }
        engine.setUseClientMode(client);
        channel.startTls(engine, handshakeTimeoutMillis);
    }

    /** Classes every connection may receive besides the allow-list: values, not behaviour. */
    static final List<String> ALWAYS_ALLOWED = List.of("java.lang.Boolean", "java.lang.Byte", "java.lang.Character",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.Number", "java.lang.String", "java.lang.Object", "java.lang.Enum", "java.lang.Record", "java.math.BigInteger",
            "java.math.BigDecimal", "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.ImmutableCollections$*",
            "java.util.Map$Entry", "java.util.AbstractMap$SimpleImmutableEntry", "java.util.AbstractMap$SimpleEntry",
            "java.util.CollSer", "java.util.Collections$Unmodifiable*", "java.util.Collections$Empty*",
            "java.util.Collections$Singleton*", "java.util.Arrays$ArrayList", "java.util.UUID", "java.time.Ser",
            "java.time.*");

    /** A builder's configuration as a value; it holds the key, so it goes only where the key may. */
    record Settings(byte[] authKey, List<String> allowed, int maxFrameBytes, Duration handshakeTimeout,
            Duration writeTimeout, Duration readTimeout, Duration idleTimeout, boolean tls) implements java.io.Serializable {

        /** A string that differs between configurations (the key only as a digest). */
        String identity() {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(authKey);
                return java.util.HexFormat.of().formatHex(digest) + allowed + maxFrameBytes + handshakeTimeout
                        + writeTimeout + readTimeout + idleTimeout + tls;
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        @Override
        public String toString() {
            return "Settings[key hidden, allowed=" + allowed + "]";
        }
    }

    /**
     * The configuration shared by {@link Listener.Builder} and {@link Client.Builder}.
     *
     * @param <B> the concrete builder
     */
    abstract static class Builder<B extends Builder<B>> {
        private byte[] authKey;
        private final List<String> allowed = new ArrayList<>();
        private int maxFrameBytes = 16 << 20;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private javax.net.ssl.SSLContext tls;

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * The shared secret both ends must know (required). Use at least 16 random bytes.
         *
         * @param key the key; copied
         * @return this builder
         * @throws IllegalArgumentException if the key is empty
         */
        public B authKey(byte[] key) {
            Objects.requireNonNull(key, "key");
            if (key.length == 0) {
                throw new IllegalArgumentException("authKey: empty (expected at least one byte; use 16 or more random bytes)");
            }
            this.authKey = key.clone();
            return self();
        }

        /**
         * Adds classes this end may deserialize from the other, as fully qualified names or
         * {@link ObjectInputFilter.Config} patterns ({@code com.example.*}). Strings, numbers, byte
         * arrays, common collections and {@code java.time} values are always allowed; anything
         * else is rejected before it is created.
         *
         * @param classNamesOrPatterns names or patterns
         * @return this builder
         * @throws IllegalArgumentException if a pattern would allow everything or reject
         */
        public B allow(String... classNamesOrPatterns) {
            for (String raw : classNamesOrPatterns) {
                String pattern = Objects.requireNonNull(raw, "pattern").trim();
                if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!") || pattern.equals("*")
                        || pattern.contains("=")) {
                    throw new IllegalArgumentException("allow: '" + pattern
                            + "' (expected a class name or a package pattern such as com.example.*)");
                }
                allowed.add(pattern);
            }
            return self();
        }

        /**
         * Adds classes this end may deserialize from the other.
         *
         * @param classes the classes
         * @return this builder
         */
        public B allow(Class<?>... classes) {
            return allow(Arrays.stream(classes).map(Class::getName).toArray(String[]::new));
        }

        /**
         * The largest message accepted or sent (default 16 MiB); a larger one is refused unread.
         * Arrays inside objects may have at most an eighth of this many elements (a JDK
         * deserializer allocates an array before reading it); raw byte messages
         * ({@code sendBytes}) and top-level byte arrays may fill a whole frame.
         *
         * @param bytes the limit, at least 1024
         * @return this builder
         * @throws IllegalArgumentException if below 1024
         */
        public B maxFrameBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes: " + bytes + " (expected at least 1024)");
            }
            this.maxFrameBytes = bytes;
            return self();
        }

        /**
         * How long each step of the authentication may take (default 10 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public B handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return self();
        }

        /**
         * How long sending one message may take before the connection is given up (default 30 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public B writeTimeout(Duration timeout) {
            this.writeTimeout = positive(timeout, "writeTimeout");
            return self();
        }

        /**
         * Encrypts the connection with TLS from this context, before the key exchange (off by
         * default). Both ends must set it. A listener's context needs a key manager with its
         * certificate; a client's needs a trust manager that trusts it, and the certificate must
         * name the host the client dials ({@code 127.0.0.1} as an IP address entry, a name as a
         * DNS entry). The shared key is still required: TLS hides and protects the traffic and
         * proves the server, the key proves both ends.
         *
         * @param context an initialized context, for example from a {@code PKCS12} key store
         * @return this builder
         */
        public B tls(javax.net.ssl.SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            return self();
        }

        /**
         * How long one message may take to arrive once its first byte is in (default 30 s): a
         * peer that starts a message and stalls is dropped.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public B readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return self();
        }

        /**
         * How long a {@link ManagerServer} keeps a client connection that sends nothing
         * (default 10 minutes); a {@link ManagerClient} does not reuse a connection that has been
         * idle for half its own idle timeout and replaces one the server closed, so set the same
         * value on both ends. A call that runs long (a queue's {@code take}) does not count as
         * idle.
         *
         * @param timeout at least 100 ms
         * @return this builder
         */
        public B idleTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("idleTimeout: " + timeout + " (expected at least 100 ms)");
            }
            this.idleTimeout = timeout;
            return self();
        }

        private static Duration positive(Duration timeout, String what) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(what + ": " + timeout + " (expected a positive duration)");
            }
            return timeout;
        }

        private static long millis(Duration timeout) {
            try {
                return Math.max(1, timeout.toMillis());
            } catch (ArithmeticException e) {
                return 0; // longer than a long can say: no limit
            }
        }

        /** This configuration as a serializable value (for proxies that travel to other processes). */
        Settings settings() {
            options(); // fails now, not in another process, when the key is missing
            return new Settings(authKey.clone(), List.copyOf(allowed), maxFrameBytes, handshakeTimeout, writeTimeout,
                    readTimeout, idleTimeout, tls != null);
        }

        /** Takes over a configuration made by {@link #settings()}. */
        B apply(Settings settings) {
            authKey = settings.authKey().clone();
            allowed.clear();
            allowed.addAll(settings.allowed());
            maxFrameBytes = settings.maxFrameBytes();
            handshakeTimeout = settings.handshakeTimeout();
            writeTimeout = settings.writeTimeout();
            readTimeout = settings.readTimeout();
            idleTimeout = settings.idleTimeout();
            return self();
        }

        /** Copies this configuration into another builder. */
        void copyTo(Builder<?> other) {
            other.authKey = authKey;
            other.allowed.addAll(allowed);
            other.maxFrameBytes = maxFrameBytes;
            other.handshakeTimeout = handshakeTimeout;
            other.writeTimeout = writeTimeout;
            other.readTimeout = readTimeout;
            other.idleTimeout = idleTimeout;
            other.tls = tls;
        }

        NetOptions options() {
            if (authKey == null) {
                throw new IllegalStateException("no authKey: both ends need the same secret key");
            }
            List<String> patterns = new ArrayList<>(List.of("maxdepth=64", "maxrefs=1000000",
                    "maxbytes=" + maxFrameBytes, "maxarray=" + maxFrameBytes / 8)); // a long[] of that length fills a frame
            patterns.addAll(ALWAYS_ALLOWED);
            patterns.addAll(allowed);
            patterns.add("!*");
            ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(String.join(";", patterns));
            return new NetOptions(authKey, new JdkCodec(filter), maxFrameBytes, handshakeTimeout.toMillis(),
                    writeTimeout.toMillis(), millis(readTimeout), millis(idleTimeout), tls);
        }
    }
}
