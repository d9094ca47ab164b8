package io.github.multiprocessing4j.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.NotSerializableTaskException;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.WorkerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managers and message connections over TLS, with clients in other processes and clients that must fail. */
class TlsTest {

    @TempDir
    static Path dir;
    static Path serverStore;
    static Path otherStore;

    @BeforeAll
    static void certificates() throws Exception {
        serverStore = TestTls.keyStore(dir, "server");
        otherStore = TestTls.keyStore(dir, "other");
    }

    @Test
    void aTlsManagerServesTlsClientsInOtherProcessesAndDropsPlainAndUntrustingOnes() throws Exception {
        Map<String, Integer> table = new ConcurrentHashMap<>();
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
                ManagerServer server = ManagerServer.builder().authKey(ManagerTest.KEY).tls(TestTls.server(serverStore))
                        .register("table", Map.class, table).build().start()) {
            String address = server.address();
            String trustFile = serverStore.toString();
            WorkerProcess worker = context.process(() -> {
                SSLContext trust = TestTls.trusting(Path.of(trustFile));
                try (ManagerClient client = ManagerClient.builder().authKey(ManagerTest.KEY).tls(trust).connect(address)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Integer> proxy = client.get("table", Map.class);
                    for (int i = 0; i < 50; i++) {
                        proxy.put("k" + i, i);
                    }
                }
            }).start();
            assertThat(worker.join(Duration.ofSeconds(60))).isTrue();
            assertThat(worker.exitCode()).as("%s", worker.failure()).hasValue(0);
            assertThat(table).hasSize(50).containsEntry("k49", 49);

            // no TLS on the client: the server cannot read it, drops it, and goes on
            assertThatThrownBy(() -> ManagerClient.connect(address, ManagerTest.KEY)).isInstanceOf(IOException.class);
            // TLS, but trusting another certificate: the handshake fails on the client
            assertThatThrownBy(() -> ManagerClient.builder().authKey(ManagerTest.KEY).tls(TestTls.trusting(otherStore))
                    .connect(address)).isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                    .hasMessageContaining("PKIX path validation failed");

            try (ManagerClient client = ManagerClient.builder().authKey(ManagerTest.KEY)
                    .tls(TestTls.trusting(serverStore)).connect(address);
                    ProcessPool pool = context.pool(1)) {
                @SuppressWarnings("unchecked")
                Map<String, Integer> proxy = client.get("table", Map.class);
                assertThat(proxy.get("k7")).isEqualTo(7);
                byte[] large = new byte[3 << 20]; // many TLS records in one frame
                large[large.length - 1] = 42;
                @SuppressWarnings("unchecked")
                Map<String, byte[]> bytes = client.get("table", Map.class);
                bytes.put("large", large);
                assertThat(((byte[]) (Object) table.get("large"))[large.length - 1]).isEqualTo((byte) 42);
                // the proxy would carry no SSLContext: it refuses to travel, clearly
                assertThatThrownBy(() -> pool.apply(x -> proxy.size() + x, 1)).isInstanceOf(NotSerializableTaskException.class)
                        .hasMessageContaining("TLS ManagerClient");
            }
        }
    }

    @Test
    void rawMessageConnectionsRunOverTls() throws Exception {
        try (Listener listener = Listener.builder().authKey(ManagerTest.KEY).tls(TestTls.server(serverStore)).build()) {
            Thread server = Thread.ofPlatform().start(() -> {
                try (MessageConnection connection = listener.accept()) {
                    connection.send(List.of("hello", connection.recv()));
                    connection.sendBytes(connection.recvBytes());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (MessageConnection connection = Client.builder().authKey(ManagerTest.KEY)
                    .tls(TestTls.trusting(serverStore)).connect(listener.address())) {
                connection.send(7);
                assertThat(connection.recv(Duration.ofSeconds(30))).isEqualTo(List.of("hello", 7));
                connection.sendBytes(new byte[] {1, 2, 3});
                assertThat(connection.recvBytes()).containsExactly(1, 2, 3);
            }
            server.join(30_000);
            assertThat(server.isAlive()).isFalse();
        }
    }
}
