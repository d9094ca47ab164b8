package io.github.multiprocessing4j.bench;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.SharedEvent;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.manager.Manager;
import io.github.multiprocessing4j.manager.ManagerClient;
import io.github.multiprocessing4j.manager.ManagerServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The manager workload of {@code ../shared/bench/python} ({@code pybench.py manager}): a manager
 * server in a worker process serves a map and a queue over loopback TCP; the parent, as a client,
 * makes n sequential proxy calls of each kind (map put, map get, queue put, queue take) after 200
 * warm-up calls, as the peer does. Each kind runs {@link #ROUNDS} times: the first
 * ({@code manager.<op>}) is what the peer measures, the median of the others
 * ({@code manager.<op>.warm}) the steady state. Then the same map calls through
 * {@code ctx.manager()}, whose calls travel over shared memory ({@code manager.local.<op>}), the
 * counterpart of the peer's {@code SyncManager}. Run by {@code bench trial manager}.
 */
final class ManagerTrial {

    static final int N = Integer.getInteger("bench.manager.n", 10_000);
    static final int ROUNDS = 5;
    private static final byte[] KEY = "bench manager key, 32 bytes long".getBytes(StandardCharsets.US_ASCII);

    private ManagerTrial() {
    }

    static void run() throws Exception {
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
                SharedQueue<String> addresses = context.queue(); SharedEvent stop = context.event()) {
            WorkerProcess server = context.process(() -> {
                try (ManagerServer manager = ManagerServer.builder().authKey(KEY)
                        .register("dict", Map.class, new ConcurrentHashMap<Integer, Integer>())
                        .register("queue", BlockingQueue.class, new LinkedBlockingQueue<Integer>()).build().start()) {
                    addresses.put(manager.address());
                    stop.await();
                }
            }).start();
            String address = addresses.poll(1, TimeUnit.MINUTES);
            if (address == null) {
                throw new IllegalStateException("the manager worker did not start");
            }
            try (ManagerClient client = ManagerClient.connect(address, KEY)) {
                @SuppressWarnings("unchecked")
                Map<Integer, Integer> dict = client.get("dict", Map.class);
                @SuppressWarnings("unchecked")
                BlockingQueue<Integer> queue = client.get("queue", BlockingQueue.class);
                for (int i = 0; i < 200; i++) {
                    dict.put(i, i);
                    queue.put(i);
                }
                for (int i = 0; i < 200; i++) {
                    queue.take();
                }
                measure("manager.dict_setitem", i -> dict.put(i, i));
                measure("manager.dict_getitem", i -> {
                    if (!Integer.valueOf(i).equals(dict.get(i))) {
                        throw new AssertionError("wrong value for " + i);
                    }
                });
                measure("manager.queue_put", i -> {
                    try {
                        queue.put(i);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                measure("manager.queue_get", i -> {
                    try {
                        queue.take();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } finally {
                stop.set();
                server.join();
            }
            // ctx.manager(): Python's Manager(), objects in a worker, calls over shared memory
            try (Manager local = context.manager()) {
                Map<Integer, Integer> dict = local.dict();
                for (int i = 0; i < 200; i++) {
                    dict.put(i, i);
                }
                measure("manager.local.dict_setitem", i -> dict.put(i, i));
                measure("manager.local.dict_getitem", i -> {
                    if (!Integer.valueOf(i).equals(dict.get(i))) {
                        throw new AssertionError("wrong value for " + i);
                    }
                });
            }
        }
    }

    private static void measure(String name, IntConsumer op) {
        double[] rates = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                op.accept(i);
            }
            rates[round] = N / ((System.nanoTime() - t0) / 1e9);
        }
        Measurement.emit(name, rates[0], "ops/s");
        double[] warm = Arrays.copyOfRange(rates, 1, rates.length);
        Arrays.sort(warm);
        Measurement.emit(name + ".warm", warm[warm.length / 2], "ops/s");
    }
}
