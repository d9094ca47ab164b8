package io.github.multiprocessing4j.demos;

import com.sun.net.httpserver.HttpServer;
import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessPool;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The I/O-bound experiment: 40 fetches (at size 1) from a local HTTP server that answers each after
 * 50 ms, one after the other, on a pool of 8 threads (Python's {@code multiprocessing.dummy}), on
 * virtual threads, on a pool of 8 worker processes, and as asynchronous callbacks with
 * {@link HttpClient#sendAsync}. Every response's length is checked.
 */
public final class IoDemo implements Demo {

    /** The server's delay before each answer. */
    static final Duration DELAY = Duration.ofMillis(50);

    /** The body's length (CPython's peer uses the same). */
    static final int BODY = 1024;

    private static volatile HttpClient client;

    @Override
    public String name() {
        return "io";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 6 + (settings.python().isPresent() ? 1 : 0);
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        int count = settings.scaled(40, 4);
        Progress progress = settings.progress();
        List<Row> rows = new ArrayList<>();
        String workload = count + " GETs, 50 ms each";
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(handlers);
        byte[] body = new byte[BODY];
        Arrays.fill(body, (byte) 'a');
        server.createContext("/", exchange -> {
            try (exchange) {
                Thread.sleep(DELAY);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/item/";
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                urls.add(base + i);
            }
            fetch(urls.getFirst());

            progress.step("sequential");
            Timed<List<Integer>> sequential = Timed.of(() -> urls.stream().map(IoDemo::fetch).toList());
            rows.add(Row.of(workload, "sequential", 1, sequential.seconds(), check(count, sequential.value())));

            progress.step("pool of 8 threads");
            Timed<List<Integer>> threads = Timed.of(() -> {
                try (Context context = Multiprocessing.threads(); ProcessPool pool = context.pool(8)) {
                    return pool.map(IoDemo::fetch, urls, 1);
                }
            });
            rows.add(Row.of(workload, "pool of 8 threads, incl. start", 8, threads.seconds(),
                    check(count, threads.value())));

            progress.step("virtual threads");
            Timed<List<Integer>> virtual = Timed.of(() -> {
                try (Context context = Multiprocessing.virtualThreads(); ProcessPool pool = context.pool(count)) {
                    return pool.map(IoDemo::fetch, urls, 1);
                }
            });
            rows.add(Row.of(workload, "a virtual thread per fetch", count, virtual.seconds(),
                    check(count, virtual.value())));

            progress.step("pool of 8 processes");
            try (Context context = Multiprocessing.processes()) {
                Timed.ColdAndWarm<List<Integer>> runs = Timed.coldThenWarm(context, 8,
                        () -> progress.step("pool of 8 processes, started"), pool -> pool.map(IoDemo::fetch, urls, 1));
                rows.add(Row.of(workload, "pool of 8 processes, incl. start", 8, runs.cold().seconds(),
                        check(count, runs.cold().value())));
                rows.add(Row.of(workload, "pool of 8 processes, started", 8, runs.warm().seconds(),
                        check(count, runs.warm().value())));
            }

            progress.step("HttpClient.sendAsync");
            Timed<List<Integer>> async = Timed.of(() -> fetchAsync(urls));
            rows.add(Row.of(workload, "async callbacks (sendAsync)", 1, async.seconds(), check(count, async.value())));

            if (settings.python().isPresent()) {
                progress.step("CPython http");
                Map<String, Double> py = settings.python().get().run(Map.of("PYB_HTTP_N", Integer.toString(count),
                        "PYB_HTTP_DELAY_MS", Long.toString(DELAY.toMillis()), "PYB_HTTP_BODY", Integer.toString(BODY)),
                        "http");
                List<String> keys = List.of("http.sequential", "http.threadpool8", "", "http.pool8.spawn.cold",
                        "http.pool8.spawn.warm", "http.asyncio_all");
                for (int i = 0; i < rows.size(); i++) {
                    if (!keys.get(i).isEmpty()) {
                        rows.set(i, rows.get(i).withPython(Python.figure(py, keys.get(i))));
                    }
                }
            }
        } finally {
            server.stop(0);
            handlers.close();
        }
        return new DemoResult(name(), count + " fetches from a local HTTP server that answers each after "
                + DELAY.toMillis() + " ms (" + BODY + "-byte bodies)", rows,
                List.of("I/O-bound work waits, so threads help on any runtime, GIL or not; virtual threads and "
                        + "async callbacks wait for all fetches at once at almost no cost.",
                        "Processes help no more than threads here and cost a JVM start each: use them for "
                        + "isolation, not for I/O.",
                        "CPython's async row is asyncio.gather over raw sockets."));
    }

    /**
     * Fetches a URL and returns the body's length. Runs in worker processes too: each JVM keeps one
     * client.
     *
     * @param url the URL
     * @return the body's length
     */
    static int fetch(String url) {
        try {
            HttpResponse<byte[]> response = client().send(request(url), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            return response.body().length;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("GET " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + url, e);
        }
    }

    static List<Integer> fetchAsync(List<String> urls) {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (String url : urls) {
            futures.add(client().sendAsync(request(url), HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(response -> response.body().length));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (IoDemo.class) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .proxy(ProxySelector.of(null)).connectTimeout(Duration.ofSeconds(10)).build();
                    client = c;
                }
            }
        }
        return c;
    }

    private static String check(int count, List<Integer> lengths) {
        DemoCheckException.expectEqual("number of responses", count, lengths.size());
        for (int length : lengths) {
            DemoCheckException.expectEqual("body length", BODY, length);
        }
        return count + " x " + BODY + " B ok";
    }
}
