package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.internal.net.FramedChannel;
import io.github.multiprocessing4j.internal.net.Handshake;
import io.github.multiprocessing4j.internal.net.NetAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts authenticated message connections: Python's {@code multiprocessing.connection.Listener}.
 *
 * <pre>{@code
 * byte[] key = ...; // shared with the clients out of band
 * try (Listener listener = Listener.builder().authKey(key).build()) { // 127.0.0.1, a free port
 *     System.out.println("listening on " + listener.address());
 *     try (MessageConnection connection = listener.accept()) {
 *         connection.send(List.of("hello", 42));
 *     }
 * }
 * }</pre>
 *
 * <h2>Secure by default</h2>
 * Before anything a client sends is deserialized, both ends prove that they know the shared key
 * (HMAC-SHA256 of a random challenge each way; the key never crosses the wire). The default
 * address is the loopback interface. Only the classes on the {@linkplain Builder#allow allow-list}
 * (plus strings, numbers, byte arrays, common collections) are deserialized from a client;
 * frames above {@linkplain Builder#maxFrameBytes the limit} are refused unread; every handshake
 * step and every write has a timeout. A client that fails the handshake, sends garbage or an
 * oversized frame is dropped with a logged reason while the others are served. Across machines,
 * add TLS ({@link Builder#tls}) so the traffic is private and the server proven.
 *
 * <p>{@link #accept()} may be called from several threads at once; the first call starts a
 * background thread that accepts and authenticates. Closing the listener stops accepting (and
 * removes a Unix socket file it created); accepted connections stay open.
 */
public final class Listener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Listener.class.getName());

    private final ServerSocketChannel server;
    private final NetOptions options;
    private final String address;
    private final UnixDomainSocketAddress unixPath;
    /** Authenticated connections waiting for {@link #accept()}, then an exception once closed. */
    private final java.util.concurrent.LinkedBlockingQueue<Object> ready = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.concurrent.Semaphore pending = new java.util.concurrent.Semaphore(MAX_PENDING_HANDSHAKES);
    private Thread acceptor;

    /** Handshakes in progress at most; connections beyond are dropped at once. */
    public static final int MAX_PENDING_HANDSHAKES = 64;

    private Listener(ServerSocketChannel server, NetOptions options, String address, UnixDomainSocketAddress unixPath) {
        this.server = server;
        this.options = options;
        this.address = address;
        this.unixPath = unixPath;
    }

    /**
     * A builder: address {@code 127.0.0.1:0} (a free loopback port) unless set; the key is
     * required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address clients connect to: {@code host:port} with the port actually bound, or the
     * socket path.
     *
     * @return the address
     */
    public String address() {
        return address;
    }

    /**
     * Waits for a client that authenticates, and returns its connection. Handshakes run on
     * threads of their own, at most {@value #MAX_PENDING_HANDSHAKES} at once (more connections are
     * dropped at once), each bounded by the handshake timeout, so a peer that connects and says
     * nothing delays nobody; clients that fail are dropped and logged.
     *
     * @return the connection
     * @throws IOException if the listener is closed or fails
     * @throws java.io.InterruptedIOException if interrupted while waiting
     */
    public MessageConnection accept() throws IOException {
        startAcceptor();
        try {
            Object next = ready.take();
            if (next instanceof MessageConnection connection) {
                return connection;
            }
            ready.put(next); // the closed marker stays for other callers
            throw new IOException("the listener is closed", (Throwable) next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a client");
        }
    }

    private synchronized void startAcceptor() {
        if (acceptor == null) {
            acceptor = Thread.ofPlatform().daemon().name("mp4j-listener-" + address).start(this::acceptLoop);
        }
    }

    private void acceptLoop() {
        long backoff = 1;
        while (server.isOpen()) {
            SocketChannel socket;
            try {
                socket = server.accept();
                backoff = 1;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    break;
                }
                // out of descriptors, for one: wait a little and go on rather than stop serving
                LOG.log(Level.WARNING, "accept failed on " + address + ": " + e.getMessage());
                java.util.concurrent.locks.LockSupport.parkNanos(backoff * 1_000_000);
                backoff = Math.min(backoff * 2, 1_000);
                continue;
            }
            if (!pending.tryAcquire()) {
                LOG.log(Level.WARNING, "dropped a client of " + address + ": too many handshakes in progress");
                closeQuietly(socket);
                continue;
            }
            Thread.ofVirtual().name("mp4j-handshake").start(() -> {
                try {
                    handshake(socket);
                } finally {
                    pending.release();
                }
            });
        }
        ready.add(new IOException("closed"));
    }

    private void handshake(SocketChannel socket) {
        FramedChannel channel = null;
        String peer = "?";
        try {
            peer = String.valueOf(socket.getRemoteAddress());
            channel = new FramedChannel(socket, options.maxFrameBytes());
            options.startTls(channel, false, socket.getLocalAddress());
            Handshake.server(channel, options.authKey(), options.handshakeTimeoutMillis());
            MessageConnection connection = new MessageConnection(channel, options);
            if (!server.isOpen()) {
                connection.close();
                return;
            }
            ready.add(connection);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "dropped a client of " + address + " (" + peer + "): " + e.getMessage());
            if (channel != null) {
                channel.close();
            } else {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // dropping it is all we wanted
        }
    }

    io.github.multiprocessing4j.spi.Codec codec() {
        return options.codec();
    }

    NetOptions options() {
        return options;
    }

    /** Stops accepting; removes the socket file of a Unix socket. Idempotent. */
    @Override
    public void close() {
        try {
            server.close();
            ready.add(new IOException("closed"));
            Object left;
            while ((left = ready.peek()) instanceof MessageConnection connection) {
                ready.remove(left);
                connection.close(); // authenticated but never accepted
            }
            if (unixPath != null) {
                Files.deleteIfExists(unixPath.getPath());
            }
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    @Override
    public String toString() {
        return "Listener[" + address + (server.isOpen() ? "" : ", closed") + "]";
    }

    /** Configures a {@link Listener}. Not thread-safe. */
    public static final class Builder extends NetOptions.Builder<Builder> {
        private String address = "127.0.0.1:0";

        Builder() {
        }

        /**
         * Where to listen: {@code host:port} (port 0 picks a free one; {@code 0.0.0.0:port} listens
         * on every interface, which exposes the listener to the network) or a Unix socket path.
         *
         * @param address the address
         * @return this builder
         */
        public Builder address(String address) {
            NetAddresses.parse(address); // fail here on a malformed address
            this.address = address;
            return this;
        }

        /**
         * Binds and starts listening.
         *
         * @return the listener
         * @throws IOException if the address cannot be bound
         * @throws IllegalStateException if no authentication key was set
         */
        public Listener build() throws IOException {
            NetOptions options = options();
            SocketAddress socketAddress = NetAddresses.parse(address);
            boolean unix = socketAddress instanceof UnixDomainSocketAddress;
            ServerSocketChannel server = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                    : ServerSocketChannel.open();
            try {
                server.bind(socketAddress, 64);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            SocketAddress bound = server.getLocalAddress();
            String text = bound instanceof InetSocketAddress ? NetAddresses.format(bound) : address;
            return new Listener(server, options, text, unix ? (UnixDomainSocketAddress) socketAddress : null);
        }
    }
}
