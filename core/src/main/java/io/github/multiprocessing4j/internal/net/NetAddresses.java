package io.github.multiprocessing4j.internal.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Parses the address strings of listeners and clients: {@code host:port} (TCP; {@code [v6]:port}
 * for IPv6), or a Unix socket path ({@code /path}, {@code ./path} or {@code unix:path}).
 */
public final class NetAddresses {

    private NetAddresses() {
    }

    /**
     * Parses an address.
     *
     * @param address the string
     * @return the socket address
     * @throws IllegalArgumentException if it is neither form
     */
    public static SocketAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address: empty (expected host:port or a Unix socket path)");
        }
        if (address.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(address.substring(5)));
        }
        if (address.startsWith("/") || address.startsWith("./")) {
            return UnixDomainSocketAddress.of(Path.of(address));
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address: '" + address + "' (expected host:port or a Unix socket path)");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address: '" + address + "' has no numeric port", e);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("address: port " + port + " (expected 0 to 65535)");
        }
        return new InetSocketAddress(host, port);
    }

    /**
     * Formats a bound address back into the string form.
     *
     * @param address a socket address
     * @return {@code host:port} or the socket path
     */
    public static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        return String.valueOf(address);
    }
}
