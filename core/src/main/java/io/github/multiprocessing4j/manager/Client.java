package io.github.multiprocessing4j.manager;

import io.github.multiprocessing4j.internal.net.FramedChannel;
import io.github.multiprocessing4j.internal.net.Handshake;
import io.github.multiprocessing4j.internal.net.NetAddresses;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Connects to a {@link Listener}: Python's {@code multiprocessing.connection.Client}.
 *
 * <pre>{@code
 * try (MessageConnection connection = Client.connect("127.0.0.1:6000", key)) {
 *     Object greeting = connection.recv();
 * }
 * }</pre>
 *
 * Both ends authenticate each other with the shared key before any message is read (see
 * {@link Listener}); {@link Builder#allow} says what this end may deserialize.
 */
public final class Client {

    private Client() {
    }

    /**
     * Connects with the default options.
     *
     * @param address {@code host:port} or a Unix socket path
     * @param authKey the shared key
     * @return the authenticated connection
     * @throws io.github.multiprocessing4j.AuthenticationException if the listener does not know
     *     the key or refuses ours
     * @throws IOException if the connection fails
     */
    public static MessageConnection connect(String address, byte[] authKey) throws IOException {
        return builder().authKey(authKey).connect(address);
    }

    /**
     * A builder for other options (allow-list, limits).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a connection. Not thread-safe. */
    public static final class Builder extends NetOptions.Builder<Builder> {
        Builder() {
        }

        /**
         * Connects and authenticates.
         *
         * @param address {@code host:port} or a Unix socket path
         * @return the connection
         * @throws io.github.multiprocessing4j.AuthenticationException if authentication fails
         * @throws IOException if the connection fails
         * @throws IllegalStateException if no key was set
         */
        public MessageConnection connect(String address) throws IOException {
            NetOptions options = options();
            SocketAddress socketAddress = NetAddresses.parse(address);
            SocketChannel socket = socketAddress instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            FramedChannel channel = null;
            try {
                socket.connect(socketAddress);
                channel = new FramedChannel(socket, options.maxFrameBytes());
                options.startTls(channel, true, socketAddress);
                Handshake.client(channel, options.authKey(), options.handshakeTimeoutMillis());
                return new MessageConnection(channel, options);
            } catch (IOException | RuntimeException e) {
                if (channel != null) {
                    channel.close();
                } else {
                    socket.close();
                }
                throw e;
            }
        }
    }
}
