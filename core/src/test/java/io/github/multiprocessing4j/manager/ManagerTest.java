package io.github.multiprocessing4j.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.WorkerProcess;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A manager server in this process serving objects to clients in worker processes. */
class ManagerTest {

    static final byte[] KEY = "another test key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII);

    private Context context;

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
    }

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void clientsInOtherProcessesShareAQueueAndAMapThroughProxies() throws Exception {
        BlockingQueue<String> jobs = new LinkedBlockingQueue<>();
        Map<String, Long> table = new ConcurrentHashMap<>();
        try (ManagerServer server = ManagerServer.builder().authKey(KEY)
                .register("jobs", BlockingQueue.class, jobs)
                .register("table", Map.class, table).build().start()) {
            String address = server.address();
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                workers.add(context.process(() -> {
                    try (ManagerClient manager = ManagerClient.connect(address, KEY)) {
                        @SuppressWarnings("unchecked")
                        BlockingQueue<String> queue = manager.get("jobs", BlockingQueue.class);
                        @SuppressWarnings("unchecked")
                        Map<String, Long> map = manager.get("table", Map.class);
                        for (int i = 0; i < 50; i++) {
                            queue.put("job " + id + "-" + i);
                            map.put("w" + id + "-" + i, (long) i);
                        }
                    }
                }).start());
            }
            for (WorkerProcess worker : workers) {
                worker.join();
                assertThat(worker.exitCode()).hasValue(0);
            }
            assertThat(jobs).hasSize(100).allMatch(job -> job.startsWith("job "));
            assertThat(table).hasSize(100).containsEntry("w1-49", 49L);
        }
    }

    @Test
    void callsReturnResultsAndRethrowRemoteExceptions() throws Exception {
        Map<String, Integer> table = new ConcurrentHashMap<>(Map.of("a", 1));
        List<String> frozen = List.of("x", "y");
        try (ManagerServer server = ManagerServer.builder().authKey(KEY).register("table", Map.class, table)
                .register("frozen", List.class, frozen).build().start();
                ManagerClient manager = ManagerClient.connect(server.address(), KEY)) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> map = manager.get("table", Map.class);
            assertThat(map.get("a")).isEqualTo(1);
            assertThat(map.put("b", 2)).isNull();
            assertThat(map.size()).isEqualTo(2);
            assertThat(table).containsEntry("b", 2);
            // a live key-set view comes back as a copy; default methods run here on top of remote calls
            assertThat(map.keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(map.getOrDefault("zz", 7)).isEqualTo(7);
            assertThat(map.putIfAbsent("a", 5)).as("runs on the server's map itself").isEqualTo(1);
            assertThat(table).containsEntry("a", 1);
            assertThat(map.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
            assertThat(map.entrySet()).hasSize(2);
            @SuppressWarnings("unchecked")
            List<String> list = manager.get("frozen", List.class);
            assertThat(list.get(1)).isEqualTo("y");
            assertThatThrownBy(() -> list.add("z")).isInstanceOfSatisfying(RemoteException.class,
                    e -> assertThat(e.remoteClassName()).isEqualTo(UnsupportedOperationException.class.getName()));
            assertThatThrownBy(() -> list.get(5)).isInstanceOfSatisfying(RemoteException.class,
                    e -> assertThat(e.remoteClassName()).contains("IndexOutOfBounds"));
            @SuppressWarnings("unchecked")
            Map<String, Integer> missing = manager.get("nothing", Map.class);
            assertThatThrownBy(missing::size).isInstanceOfSatisfying(RemoteException.class,
                    e -> assertThat(e.remoteMessage()).contains("no object named 'nothing'"));
            assertThat(map.toString()).contains("proxy of Map 'table'");
        }
    }

    @Test
    void onlyTheRegisteredInterfaceCanBeCalled() throws Exception {
        try (ManagerServer server = ManagerServer.builder().authKey(KEY)
                .register("table", Map.class, new ConcurrentHashMap<String, String>()).build().start();
                MessageConnection raw = Client.connect(server.address(), KEY)) {
            // ConcurrentHashMap has mappingCount(), Map does not: the server must refuse it
            raw.sendValues("table", "mappingCount", "");
            assertThat(raw.recvValues()[0]).isEqualTo(Boolean.FALSE);
            raw.sendValues("table", "getClass", "");
            assertThat(raw.recvValues()[0]).isEqualTo(Boolean.FALSE);
            raw.sendValues("table", "copyOf", "java.util.Map", Map.of()); // a static method of Map
            assertThat(raw.recvValues()[0]).isEqualTo(Boolean.FALSE);
            raw.sendValues("not a request");
            assertThat(raw.recvValues()[0]).isEqualTo(Boolean.FALSE);
        }
    }

    /** A queue that tells when a taker has arrived. */
    static final class ObservedQueue extends LinkedBlockingQueue<String> {
        private static final long serialVersionUID = 1L;
        final transient java.util.concurrent.CountDownLatch taking = new java.util.concurrent.CountDownLatch(1);

        @Override
        public String take() throws InterruptedException {
            taking.countDown();
            return super.take();
        }
    }

    @Test
    void aBlockingCallHoldsOnlyItsOwnConnection() throws Exception {
        ObservedQueue jobs = new ObservedQueue();
        try (ManagerServer server = ManagerServer.builder().authKey(KEY).register("jobs", BlockingQueue.class, jobs)
                .build().start();
                ManagerClient manager = ManagerClient.connect(server.address(), KEY)) {
            @SuppressWarnings("unchecked")
            BlockingQueue<String> queue = manager.get("jobs", BlockingQueue.class);
            CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(jobs.taking.await(30, TimeUnit.SECONDS)).as("the take is running on the server").isTrue();
            queue.put("wake up"); // a second connection, while the first blocks in take()
            assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo("wake up");
        }
    }

    @Test
    void wrongKeysAndClosedServersFailClearly() throws Exception {
        ManagerServer server = ManagerServer.builder().authKey(KEY)
                .register("table", Map.class, new ConcurrentHashMap<String, String>()).build().start();
        String address = server.address();
        assertThatThrownBy(() -> ManagerClient.connect(address, "wrong".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(AuthenticationException.class);
        try (ManagerClient manager = ManagerClient.connect(address, KEY)) {
            @SuppressWarnings("unchecked")
            Map<String, String> map = manager.get("table", Map.class);
            assertThat(map.isEmpty()).isTrue();
            server.close();
            assertThatThrownBy(map::isEmpty).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("call to the manager");
        }
        assertThatThrownBy(() -> ManagerServer.builder().authKey(KEY).register("x", Map.class, new ConcurrentHashMap<>())
                .register("x", Map.class, new ConcurrentHashMap<>())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void proxiesTravelIntoPoolTasksAndCallTheServerFromThere() throws Exception {
        Map<String, Integer> table = new ConcurrentHashMap<>();
        try (ManagerServer server = ManagerServer.builder().authKey(KEY).register("table", Map.class, table).build().start();
                ManagerClient client = ManagerClient.connect(server.address(), KEY);
                io.github.multiprocessing4j.ProcessPool pool = context.pool(2)) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> proxy = client.get("table", Map.class);
            List<Integer> sizes = pool.map(word -> {
                proxy.put(word, word.length()); // the proxy was serialized into the task
                return proxy.size();
            }, List.of("ada", "grace", "alan", "edsger"));
            assertThat(sizes).allMatch(n -> n >= 1 && n <= 4);
            assertThat(table).containsEntry("grace", 5).containsEntry("edsger", 6).hasSize(4);
            assertThat(proxy).isEqualTo(proxy).hasToString("proxy of Map 'table' at " + server.address());
            // it carries the key: it never goes out over a network connection
            try (Listener listener = Listener.builder().authKey(KEY).build()) {
                Thread acceptor = Thread.ofVirtual().start(() -> {
                    try (MessageConnection in = listener.accept()) {
                        in.recv(java.time.Duration.ofSeconds(30));
                    } catch (java.io.IOException ignored) {
                        // the test fails on its own side
                    }
                });
                try (MessageConnection out = Client.builder().authKey(KEY).connect(listener.address())) {
                    assertThatThrownBy(() -> out.send(proxy))
                            .isInstanceOf(io.github.multiprocessing4j.NotSerializableTaskException.class)
                            .hasMessageContaining("carries its key");
                    out.send("done"); // nothing half-sent: the connection is still in step
                }
                acceptor.join(30_000);
                assertThat(acceptor.isAlive()).isFalse();
            }
        }
    }

    @Test
    void idleConnectionsAreClosedByTheServerAndReplacedByTheClient() throws Exception {
        Map<String, Integer> table = new ConcurrentHashMap<>();
        try (ManagerServer server = ManagerServer.builder().authKey(KEY).idleTimeout(java.time.Duration.ofMillis(300))
                .register("table", Map.class, table).build().start();
                ManagerClient client = ManagerClient.connect(server.address(), KEY)) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> proxy = client.get("table", Map.class);
            proxy.put("a", 1);
            // a connection opened after the proxy's last call: once the server closed it as idle,
            // it has closed the proxy's connection too
            try (MessageConnection watcher = Client.connect(server.address(), KEY)) {
                assertThatThrownBy(() -> watcher.recv(java.time.Duration.ofSeconds(20)))
                        .isInstanceOf(java.io.EOFException.class);
            }
            assertThat(proxy.put("b", 2)).isNull(); // on a new connection, transparently
            assertThat(table).containsOnlyKeys("a", "b");
        }
        assertThatThrownBy(() -> ManagerServer.builder().idleTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    }

    @Test
    void connectionsBeyondThePlatformThreadsAreServedToo() throws Exception {
        Map<String, Integer> table = new ConcurrentHashMap<>();
        int count = ManagerServer.PLATFORM_CONNECTIONS + 6;
        try (ManagerServer server = ManagerServer.builder().authKey(KEY).register("table", Map.class, table).build().start()) {
            List<ManagerClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < count; c++) {
                    clients.add(ManagerClient.connect(server.address(), KEY)); // each holds one open connection
                }
                for (int c = 0; c < count; c++) {
                    @SuppressWarnings("unchecked")
                    Map<String, Integer> proxy = clients.get(c).get("table", Map.class);
                    proxy.put("client" + c, c);
                }
            } finally {
                clients.forEach(ManagerClient::close);
            }
            assertThat(table).hasSize(count).containsEntry("client" + (count - 1), count - 1);
        }
    }
}
