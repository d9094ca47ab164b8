package io.github.multiprocessing4j.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Authenticated message connections between processes: round trips over TCP and Unix sockets,
 * wrong keys, garbage and oversized frames, and classes off the allow-list.
 */
class ListenerClientTest {

    static final byte[] KEY = "a test key of 32 bytes, not secret".getBytes(StandardCharsets.US_ASCII);

    /** Records that an instance was deserialized in this JVM. */
    static final AtomicBoolean DESERIALIZED = new AtomicBoolean();

    /** A class whose deserialization is visible: a stand-in for a gadget. */
    static final class Tripwire implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String note;

        Tripwire(String note) {
            this.note = note;
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            DESERIALIZED.set(true);
            in.defaultReadObject();
        }

        @Override
        public String toString() {
            return "Tripwire[" + note + "]";
        }
    }

    /** An allowed user type. */
    record Point(int x, int y) implements Serializable {
    }

    private Context context;

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
        DESERIALIZED.set(false);
    }

    @AfterEach
    void close() {
        context.close();
    }

    /** Accepts one connection on another thread. */
    private static CompletableFuture<MessageConnection> acceptAsync(Listener listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aClientProcessAndTheListenerExchangeMessagesOverTcp() throws Exception {
        try (Listener listener = Listener.builder().authKey(KEY).allow(Point.class).build()) {
            assertThat(listener.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
            String address = listener.address();
            WorkerProcess client = context.process(() -> {
                try (MessageConnection connection = Client.builder().authKey(KEY).allow(Point.class).connect(address)) {
                    Object request = connection.recv();
                    connection.send(List.of("echo", request));
                    connection.sendBytes(connection.recvBytes());
                }
            }).start();
            try (MessageConnection connection = listener.accept()) {
                connection.send(new Point(3, 4));
                assertThat(connection.recv()).isEqualTo(List.of("echo", new Point(3, 4)));
                connection.sendBytes(new byte[] {1, 2, 3});
                assertThat(connection.recvBytes()).containsExactly(1, 2, 3);
                assertThatThrownBy(() -> connection.recv(Duration.ofSeconds(30)))
                        .isInstanceOf(java.io.EOFException.class); // the client closed
            }
            client.join();
            assertThat(client.exitCode()).hasValue(0);
        }
    }

    @Test
    void unixSocketsWorkAndTheSocketFileIsRemoved(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("mp4j.sock");
        try (Listener listener = Listener.builder().authKey(KEY).address(socket.toString()).build()) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            try (MessageConnection client = Client.connect(socket.toString(), KEY);
                    MessageConnection server = accepted.get(30, TimeUnit.SECONDS)) {
                client.send(Map.of("k", 1L));
                assertThat(server.recv()).isEqualTo(Map.of("k", 1L));
                client.send(new java.util.HashMap<>(Map.of("k", List.of(1, 2))));
                assertThat(server.recv()).isEqualTo(Map.of("k", List.of(1, 2)));
                byte[] large = new byte[3 << 20]; // larger than the first allocation of a frame
                large[large.length - 1] = 42;
                // sent from another thread: a message larger than the socket buffer needs a reader
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        client.sendBytes(large);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertThat(server.recvBytes()).hasSize(3 << 20).endsWith((byte) 42);
                sent.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void aWrongKeyIsRefusedBeforeAnythingIsDeserializedAndTheListenerServesOthers() throws Exception {
        try (Listener listener = Listener.builder().authKey(KEY).allow(Tripwire.class).build()) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            assertThatThrownBy(() -> Client.connect(listener.address(), "wrong".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(AuthenticationException.class);
            // a raw client that skips the handshake and sends a serialized object straight away
            try (SocketChannel raw = SocketChannel.open(parse(listener.address()))) {
                byte[] payload = serialize(new Tripwire("boom"));
                raw.write(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).flip());
                readUntilClosed(raw);
            }
            // the listener still serves a client with the right key
            try (MessageConnection good = Client.connect(listener.address(), KEY);
                    MessageConnection server = accepted.get(30, TimeUnit.SECONDS)) {
                good.send("still here");
                assertThat(server.recv()).isEqualTo("still here");
            }
            assertThat(DESERIALIZED).as("nothing from the unauthenticated clients was deserialized").isFalse();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void garbageTruncatedAndOversizedFramesAreDroppedWhileOthersAreServed(int seed) throws Exception {
        Random random = new Random(seed);
        try (Listener listener = Listener.builder().authKey(KEY).maxFrameBytes(4096)
                .handshakeTimeout(Duration.ofMillis(300)).build()) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            for (int attempt = 0; attempt < 8; attempt++) {
                try (SocketChannel raw = SocketChannel.open(parse(listener.address()))) {
                    byte[] junk = new byte[random.nextInt(64)];
                    random.nextBytes(junk);
                    ByteBuffer frame = switch (attempt % 4) {
                        case 0 -> ByteBuffer.wrap(junk); // random bytes
                        case 1 -> ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).flip(); // oversized length
                        case 2 -> ByteBuffer.allocate(4 + junk.length).putInt(junk.length + 100).put(junk).flip(); // truncated
                        default -> ByteBuffer.allocate(4).putInt(-1).flip(); // negative length
                    };
                    raw.write(frame);
                    if (random.nextBoolean()) {
                        readUntilClosed(raw); // or hang up at once
                    }
                }
            }
            try (MessageConnection good = Client.builder().authKey(KEY).maxFrameBytes(4096).connect(listener.address());
                    MessageConnection server = accepted.get(60, TimeUnit.SECONDS)) {
                good.send(seed);
                assertThat(server.recv()).isEqualTo(seed);
                byte[] tooBig = new byte[5000];
                assertThatThrownBy(() -> good.sendBytes(tooBig)).isInstanceOf(IOException.class)
                        .hasMessageContaining("exceeds the limit");
            }
        }
    }

    @Test
    void anAuthenticatedPeerCannotMakeUsDeserializeAClassOffTheAllowList() throws Exception {
        try (Listener listener = Listener.builder().authKey(KEY).build()) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            try (MessageConnection client = Client.builder().authKey(KEY).connect(listener.address());
                    MessageConnection server = accepted.get(30, TimeUnit.SECONDS)) {
                client.send(new Tripwire("gadget"));
                assertThatThrownBy(server::recv).isInstanceOf(InvalidObjectException.class)
                        .hasMessageContaining("rejected");
                assertThat(server.isClosed()).isTrue();
                // a classic gadget carrier is refused too
                assertThat(DESERIALIZED).isFalse();
            }
            CompletableFuture<MessageConnection> second = acceptAsync(listener);
            try (MessageConnection client = Client.connect(listener.address(), KEY);
                    MessageConnection server = second.get(30, TimeUnit.SECONDS)) {
                client.send(new java.util.PriorityQueue<>(List.of(3, 1, 2)));
                assertThatThrownBy(server::recv).isInstanceOf(InvalidObjectException.class);
            }
        }
    }

    @Test
    void aPeerThatSaysNothingDoesNotDelayOthers() throws Exception {
        try (Listener listener = Listener.builder().authKey(KEY).handshakeTimeout(Duration.ofSeconds(20)).build();
                SocketChannel silent = SocketChannel.open(parse(listener.address()))) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            long start = System.nanoTime();
            try (MessageConnection good = Client.connect(listener.address(), KEY);
                    MessageConnection server = accepted.get(30, TimeUnit.SECONDS)) {
                good.send("prompt");
                assertThat(server.recv()).isEqualTo("prompt");
            }
            assertThat(System.nanoTime() - start).as("not held up for the silent peer's 20 s")
                    .isLessThan(TimeUnit.SECONDS.toNanos(10));
            assertThat(silent.isOpen()).isTrue();
        }
    }

    @Test
    void timeoutsAndBadArgumentsAreClear() throws Exception {
        try (Listener listener = Listener.builder().authKey(KEY).build()) {
            CompletableFuture<MessageConnection> accepted = acceptAsync(listener);
            try (MessageConnection client = Client.connect(listener.address(), KEY);
                    MessageConnection server = accepted.get(30, TimeUnit.SECONDS)) {
                assertThatThrownBy(() -> server.recv(Duration.ofMillis(50))).isInstanceOf(SocketTimeoutException.class);
                client.send("after a timeout the connection still works");
                assertThat(server.recv(Duration.ofSeconds(30))).isEqualTo("after a timeout the connection still works");
            }
        }
        assertThatThrownBy(() -> Listener.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("authKey");
        assertThatThrownBy(() -> Listener.builder().address("no-port")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> Client.builder().allow("*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Client.builder().allow(" *")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Client.builder().authKey(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQueueCanCarryTheAddressToAWorkerThatServesAsTheClient() throws Exception {
        SharedQueue<String> done = context.queue();
        try (Listener listener = Listener.builder().authKey(KEY).build()) {
            String address = listener.address();
            WorkerProcess worker = context.process(() -> {
                try (MessageConnection connection = Client.connect(address, KEY)) {
                    for (int i = 0; i < 100; i++) {
                        connection.send(i);
                    }
                }
                done.put("sent");
            }).start();
            try (MessageConnection connection = listener.accept()) {
                for (int i = 0; i < 100; i++) {
                    assertThat(connection.recv()).isEqualTo(i);
                }
            }
            assertThat(done.poll(30, TimeUnit.SECONDS)).isEqualTo("sent");
            worker.join();
        }
    }

    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** Reads until the server closes the connection (bounded by the test timeout). */
    private static void readUntilClosed(SocketChannel raw) {
        ByteBuffer sink = ByteBuffer.allocate(1024);
        try {
            while (raw.read(sink) >= 0) {
                sink.clear();
            }
        } catch (IOException reset) {
            // the server closed with our bytes unread: a reset is a close too
        }
    }
}
