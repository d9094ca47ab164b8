package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.internal.shm.SharedFiles;
import io.github.multiprocessing4j.internal.util.Threads;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Unix domain socket a context's worker JVMs connect back to.
 *
 * <p>The socket file is owner-only and named like every other shared file, so the sweeper finds it
 * after a crash. Each worker is launched with a random token; a connection is matched to its
 * {@link WorkerJvm} by the token in its hello frame, and a connection that does not send a valid
 * hello within {@link #HELLO_TIMEOUT_SECONDS} is dropped.
 */
public final class Hub implements Closeable {

    static final long HELLO_TIMEOUT_SECONDS = 30;

    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, WorkerJvm> expected = new ConcurrentHashMap<>();

    /**
     * Binds a new hub socket and starts accepting.
     *
     * @throws UncheckedIOException if the socket cannot be bound
     */
    public Hub() {
        this.path = SharedFiles.newPath("hub");
        try {
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the worker hub socket " + path + ": " + e.getMessage(), e);
        }
        SharedFiles.restrictToOwner(path);
        Threads.startDaemon("mp4j-hub-" + path.getFileName(), this::acceptLoop);
    }

    /**
     * The socket path workers connect to.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    void expect(String token, WorkerJvm jvm) {
        expected.put(token, jvm);
    }

    void forget(String token) {
        expected.remove(token);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            // a platform thread, for the reason given in WorkerJvm.attach
            Threads.startDaemon("mp4j-hello", () -> handshake(channel));
        }
    }

    private void handshake(SocketChannel channel) {
        ControlChannel control = new ControlChannel(channel);
        ScheduledFuture<?> deadline = Threads.scheduler().schedule(() -> closeQuietly(control),
                HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            ControlChannel.Frame hello = control.receive();
            deadline.cancel(false);
            if (hello == null || hello.type() != Frames.HELLO || hello.payload().length < 9
                    || hello.payload().length > 200) {
                closeQuietly(control);
                return;
            }
            ByteBuffer payload = ByteBuffer.wrap(hello.payload()).order(ByteOrder.LITTLE_ENDIAN);
            long pid = payload.getLong();
            String token = new String(hello.payload(), 8, hello.payload().length - 8, StandardCharsets.US_ASCII);
            WorkerJvm jvm = expected.remove(token);
            if (jvm == null || !MessageDigest.isEqual(jvm.token().getBytes(StandardCharsets.US_ASCII),
                    token.getBytes(StandardCharsets.US_ASCII))) {
                closeQuietly(control);
                return;
            }
            jvm.attach(control, pid);
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            closeQuietly(control);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops accepting and removes the socket file. Connected workers are not affected. */
    @Override
    public void close() {
        closeQuietly(server);
        SharedFiles.unlink(path);
    }
}
