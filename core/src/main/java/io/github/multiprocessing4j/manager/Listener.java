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
 * oversized frame is dropped with a logged reason, and {@link #accept()} goes on to the next. This
 * release has no TLS: across machines, run it inside a trusted network or a tunnel.
 *
 * <p>{@link #accept()} may be called from several threads at once. Closing the listener stops
 * accepting (and removes a Unix socket file it created); accepted connections stay open.
 */
public final class Listener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Listener.class.getName());

    private final ServerSocketChannel server;
    private final NetOptions options;
    private final String address;
    private final UnixDomainSocketAddress unixPath;

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
     * Waits for a client that authenticates, and returns its connection. Clients that fail the
     * handshake are dropped (and logged) while it waits.
     *
     * @return the connection
     * @throws IOException if the listener is closed or fails
     */
    public MessageConnection accept() throws IOException {
        while (true) {
            SocketChannel socket = server.accept();
            FramedChannel channel = null;
            try {
                channel = new FramedChannel(socket, options.maxFrameBytes());
                Handshake.server(channel, options.authKey(), options.handshakeTimeoutMillis());
                return new MessageConnection(channel, options.codec(), options.writeTimeoutMillis());
            } catch (IOException | RuntimeException e) {
                String peer = channel != null ? channel.remoteAddress() : String.valueOf(socket.getRemoteAddress());
                LOG.log(Level.WARNING, "dropped a client of " + address + " (" + peer + "): " + e.getMessage());
                if (channel != null) {
                    channel.close();
                } else {
                    socket.close();
                }
            }
        }
    }

    io.github.multiprocessing4j.spi.Codec codec() {
        return options.codec();
    }

    /** Stops accepting; removes the socket file of a Unix socket. Idempotent. */
    @Override
    public void close() {
        try {
            server.close();
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
