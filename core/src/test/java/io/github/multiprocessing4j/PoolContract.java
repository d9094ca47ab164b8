package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.testing.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link ProcessPool}, run against every backend by a small subclass each. Tasks
 * are static methods or lambdas that capture only values, so they copy to worker JVMs.
 */
abstract class PoolContract {

    /** A deadline no correct test gets near; a hang fails instead of blocking the build. */
    static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    Context context;
    ProcessPool pool;

    abstract Context newContext();

    @BeforeEach
    void open() {
        context = newContext();
        pool = context.pool(2);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        context.close();
    }

    static int square(int x) {
        return x * x;
    }

    static String whereAmI(Object ignored) {
        return ProcessHandle.current().pid() + "/" + Thread.currentThread().getName();
    }

    /** Runs until interrupted (thread backends) or killed (processes). */
    static Integer spinUntilStopped(Integer ignored) {
        while (!Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait();
        }
        return -1;
    }

    static void appendLine(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every outcome of a lazy call, in order: the result, or the simple name of the failure's cause.
     * The stream's iterator reports a failed item from {@code hasNext()}, and goes on after it.
     */
    static List<String> outcomes(Stream<Integer> results) {
        List<String> outcomes = new ArrayList<>();
        try (results) {
            Iterator<Integer> it = results.iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    outcomes.add(String.valueOf(it.next()));
                } catch (CompletionException e) {
                    if (e.getCause() instanceof InterruptedException) {
                        throw e;
                    }
                    outcomes.add(e.getCause().getClass().getSimpleName());
                }
            }
        }
        return outcomes;
    }

    @Test
    void applyReturnsTheResult() throws Exception {
        assertThat(pool.<Integer, Integer>apply(PoolContract::square, 7)).isEqualTo(49);
        assertThat(pool.<String, String>apply(s -> s + "!", "hi")).isEqualTo("hi!");
        assertThat(pool.<Object, Object>apply(x -> null, 1)).isNull();
        assertThat(pool.<List<Integer>, Integer>apply(l -> l.size(), List.of(1, 2, 3))).isEqualTo(3);
        assertThat(pool.backend()).isEqualTo(context.backend());
        assertThat(pool.workers()).isEqualTo(2);
    }

    /** A checksum of the bytes, so that a torn or mixed-up argument shows. */
    static long checksum(byte[] bytes) {
        long sum = bytes.length;
        for (byte b : bytes) {
            sum = sum * 31 + b;
        }
        return sum;
    }

    /**
     * Callers that hand calls to idle workers themselves race with each other and with the
     * dispatchers, which send whatever queued while a worker was busy: every call gets its own
     * result, and each worker sees its units whole and in order (a worker stops on a unit out of
     * order). Arguments of 48 KiB make each send take a while.
     */
    @Test
    void concurrentApplyCallersEachGetTheirOwnResults() throws Exception {
        assertThat(pool.apply(PoolContract::square, 1)).isEqualTo(1); // workers up
        int threads = 4;
        int calls = 150;
        try (ExecutorService callers = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(t);
                done.add(callers.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        byte[] argument = new byte[48 * 1024 + random.nextInt(64)];
                        random.nextBytes(argument);
                        assertThat(pool.<byte[], Long>apply(PoolContract::checksum, argument))
                                .isEqualTo(checksum(argument));
                    }
                    return calls;
                }));
            }
            List<Integer> items = IntStream.range(0, 5_000).boxed().toList();
            assertThat(pool.map(PoolContract::square, items, 3)).isEqualTo(items.stream().map(x -> x * x).toList());
            for (Future<Integer> caller : done) {
                assertThat(caller.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(calls);
            }
        }
        assertThat(pool.apply(PoolContract::square, 12)).isEqualTo(144);
    }

    @Test
    void sequentialAppliesOnRetiringWorkersAllComplete() throws Exception {
        try (ProcessPool retiring = context.pool(PoolOptions.builder().workers(2).maxTasksPerWorker(3).build())) {
            Set<String> where = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                where.add(retiring.apply(PoolContract::whereAmI, i));
            }
            assertThat(where).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void applyAsyncCompletesOnThePoolsThreadsNeverTheCommonPool() throws Exception {
        CompletableFuture<Integer> future = pool.applyAsync(PoolContract::square, 5);
        CompletableFuture<String> stage = future.thenApplyAsync(x -> Thread.currentThread().getName());
        assertThat(future.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(25);
        String asyncThread = stage.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(asyncThread).doesNotContain("ForkJoinPool");
        assertThat(Thread.currentThread()).isNotInstanceOf(java.util.concurrent.ForkJoinWorkerThread.class);
        CompletableFuture<Boolean> onCommon = pool.applyAsync(PoolContract::square, 3)
                .thenApply(x -> Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread t
                        && t.getPool() == ForkJoinPool.commonPool());
        assertThat(onCommon.get(WAIT_SECONDS, TimeUnit.SECONDS)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 100, 5000})
    void mapKeepsOrderAtEveryChunkSize(int chunkSize) throws Exception {
        Random random = new Random(chunkSize * 31L + 7);
        List<Integer> items = IntStream.range(0, 1 + random.nextInt(3000)).map(i -> random.nextInt(1000) - 500)
                .boxed().toList();
        List<Integer> expected = items.stream().map(PoolContract::square).toList();
        List<Integer> actual = chunkSize == 0 ? pool.map(PoolContract::square, items)
                : pool.map(PoolContract::square, items, chunkSize);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void mapHandlesEmptyInputNullsAndMixedTypes() throws Exception {
        assertThat(pool.map(PoolContract::square, List.<Integer>of())).isEmpty();
        List<Object> mixed = new ArrayList<>();
        mixed.add(null);
        mixed.add(1);
        mixed.add(2L);
        mixed.add(3.5);
        mixed.add("four");
        mixed.add(new byte[] {5});
        mixed.add(List.of(6));
        mixed.add(true);
        List<String> described = pool.map(x -> x == null ? "null" : x.getClass().getSimpleName(), mixed, 3);
        assertThat(described).containsExactly("null", "Integer", "Long", "Double", "String", "byte[]",
                mixed.get(6).getClass().getSimpleName(), "Boolean");
        List<Object> identity = pool.map(x -> x, mixed, 2);
        assertThat(identity.get(0)).isNull();
        assertThat(identity.subList(1, 6)).containsExactly(1, 2L, 3.5, "four", identity.get(5));
        assertThat((byte[]) identity.get(5)).containsExactly(5);
        assertThat(identity.get(6)).isEqualTo(List.of(6));
    }

    @Test
    void mapAsyncReportsProgressUpToTheTotal() throws Exception {
        AtomicLong last = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        List<Integer> result = pool.<Integer, Integer>mapAsync(PoolContract::square, items, 10, (done, all) -> {
            assertThat(done).isGreaterThan(last.get());
            last.set(done);
            total.set(all);
            calls.incrementAndGet();
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(result).hasSize(1000);
        assertThat(last.get()).isEqualTo(1000);
        assertThat(total.get()).isEqualTo(1000);
        assertThat(calls.get()).isBetween(1L, 100L);
    }

    @Test
    void aFailingItemFailsTheMapWithTheOriginalException() {
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        assertThatThrownBy(() -> pool.map(PoolTasks::failOn13, items, 4))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage("13 is unlucky")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aTaskExceptionKeepsItsTypeCauseAndStack() {
        CompletableFuture<Integer> future = pool.applyAsync(PoolTasks::failOn13, 13);
        assertThatThrownBy(() -> future.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> {
                    Throwable cause = e.getCause();
                    assertThat(cause).isInstanceOf(IllegalArgumentException.class).hasMessage("13 is unlucky");
                    assertThat(cause.getCause()).isInstanceOf(IOException.class).hasMessage("root cause");
                    assertThat(cause.getStackTrace()).anyMatch(f -> f.getMethodName().equals("failOn13"));
                });
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void starmapAppliesEachPair() throws Exception {
        List<Map.Entry<Integer, String>> pairs = List.of(Map.entry(2, "a"), Map.entry(3, "b"), Map.entry(0, "c"));
        List<String> result = pool.starmap((Integer n, String s) -> s.repeat(n), pairs);
        assertThat(result).containsExactly("aa", "bbb", "");
        assertThat(pool.starmapAsync((Integer a, Integer b) -> a + b, List.of(Map.entry(1, 2))).get())
                .containsExactly(3);
    }

    @Test
    void imapReturnsResultsInOrderAndImapUnorderedReturnsThemAll() {
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        List<Integer> expected = items.stream().map(PoolContract::square).toList();
        try (Stream<Integer> results = pool.imap(PoolContract::square, items)) {
            assertThat(results.toList()).isEqualTo(expected);
        }
        try (Stream<Integer> results = pool.imap(PoolContract::square, items, 7)) {
            assertThat(results.toList()).isEqualTo(expected);
        }
        try (Stream<Integer> results = pool.imapUnordered(PoolContract::square, items, 3)) {
            assertThat(results.toList()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void imapOverAnEndlessIteratorReadsOnlABoundedNumberAhead() {
        AtomicLong pulled = new AtomicLong();
        Iterable<Integer> endless = () -> new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                pulled.incrementAndGet();
                return next++;
            }
        };
        try (Stream<Integer> results = pool.imap(PoolContract::square, endless)) {
            assertThat(results.limit(100).toList()).isEqualTo(IntStream.range(0, 100).map(i -> i * i).boxed().toList());
        }
        long bound = 100 + Math.max(64, 4 * pool.workers());
        assertThat(pulled.get()).isBetween(100L, bound);
    }

    @Test
    void imapReportsAFailedItemInItsPlaceAndGoesOn() {
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        List<String> seen = outcomes(pool.imap(PoolTasks::failOn13, items, 4));
        List<String> expected = items.stream().map(i -> i == 13 ? "IllegalArgumentException" : String.valueOf(i))
                .collect(Collectors.toList());
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void theInitializerRunsOnceInEachWorker() throws Exception {
        String log = dir.resolve("init.log").toString();
        try (ProcessPool initialized = context.pool(PoolOptions.builder().workers(2)
                .initializer(() -> appendLine(log, "init")).build())) {
            assertThat(initialized.map(PoolContract::square, IntStream.range(0, 200).boxed().toList(), 1))
                    .hasSize(200);
        }
        assertThat(Files.readAllLines(Path.of(log))).containsExactly("init", "init");
    }

    @Test
    void maxTasksPerWorkerRetiresWorkers() throws Exception {
        try (ProcessPool retiring = context.pool(PoolOptions.builder().workers(2).maxTasksPerWorker(2).build())) {
            List<String> where = retiring.map(PoolContract::whereAmI, IntStream.range(0, 12).boxed().toList(), 1);
            Map<String, Long> perWorker = where.stream()
                    .collect(Collectors.groupingBy(w -> w, Collectors.counting()));
            assertThat(perWorker).hasSizeGreaterThanOrEqualTo(6);
            assertThat(perWorker.values()).allMatch(n -> n <= 2);
        }
    }

    @Test
    void aTaskPastItsTimeoutFailsAloneAndThePoolGoesOn() throws Exception {
        CompletableFuture<Integer> stuck = pool.applyAsync(PoolContract::spinUntilStopped, 0, Duration.ofMillis(500));
        List<CompletableFuture<Integer>> others = IntStream.range(0, 20)
                .mapToObj(i -> pool.applyAsync(PoolContract::square, i)).toList();
        assertThatThrownBy(() -> stuck.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskTimeoutException.class)
                .satisfies(e -> assertThat(((TaskTimeoutException) e).timeout()).isEqualTo(Duration.ofMillis(500)));
        for (int i = 0; i < others.size(); i++) {
            assertThat(others.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(i * i);
        }
        assertThat(pool.apply(PoolContract::square, 9)).isEqualTo(81);
    }

    @Test
    void thePoolWideTimeoutAppliesToEveryTask() throws Exception {
        try (ProcessPool timed = context.pool(PoolOptions.builder().workers(1)
                .taskTimeout(Duration.ofMillis(300)).build())) {
            assertThatThrownBy(() -> timed.apply(PoolContract::spinUntilStopped, 0))
                    .cause().isInstanceOf(TaskTimeoutException.class);
            assertThat(timed.apply(PoolContract::square, 4)).isEqualTo(16);
        }
    }

    @Test
    void cancelOfARunningTaskStopsItsWorkerAndThePoolGoesOn() throws Exception {
        Path started = dir.resolve("started");
        String startedFile = started.toString();
        CompletableFuture<Integer> running = pool.applyAsync(x -> {
            appendLine(startedFile, "go");
            return spinUntilStopped(x);
        }, 0);
        Files2.await(startedFile);
        assertThat(running.cancel(true)).isTrue();
        assertThat(running).isCancelled();
        assertThat(pool.map(PoolContract::square, List.of(1, 2, 3), 1)).containsExactly(1, 4, 9);
    }

    @Test
    void aPlainCallableIsRejectedOnProcessesWithAHintAndAcceptedOnThreads() throws Exception {
        Callable<Integer> plain = () -> 42;
        if (context.backend() == Backend.PROCESSES) {
            assertThatThrownBy(() -> pool.submit(plain))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain Callable")
                    .hasMessageContaining("SerializableCallable");
            Runnable plainRunnable = () -> { };
            assertThatThrownBy(() -> pool.execute(plainRunnable))
                    .hasMessageContaining("SerializableRunnable");
        } else {
            assertThat(pool.submit(plain).get()).isEqualTo(42);
        }
        assertThat(pool.submit(() -> 42).get()).isEqualTo(42);
        assertThat(pool.submit((SerializableRunnable) () -> { }).get()).isNull();
    }

    @Test
    void invokeAllAndInvokeAny() throws Exception {
        List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> {
            throw new IllegalStateException("three");
        });
        List<Future<Integer>> futures = pool.invokeAll(tasks);
        assertThat(futures).allMatch(Future::isDone);
        assertThat(futures.get(0).get()).isEqualTo(1);
        assertThat(futures.get(1).get()).isEqualTo(2);
        assertThatThrownBy(() -> futures.get(2).get()).cause().isInstanceOf(IllegalStateException.class);
        assertThat(pool.invokeAny(tasks)).isIn(1, 2);
        List<SerializableCallable<Integer>> allFail = List.of(() -> {
            throw new IllegalStateException("no");
        });
        assertThatThrownBy(() -> pool.invokeAny(allFail)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void shutdownRunsQueuedTasksAndRejectsNewOnes() throws Exception {
        List<CompletableFuture<Integer>> queued = IntStream.range(0, 50)
                .mapToObj(i -> pool.applyAsync(PoolTasks::slowSquare, i)).toList();
        pool.shutdown();
        assertThat(pool.isShutdown()).isTrue();
        assertThatThrownBy(() -> pool.apply(PoolContract::square, 1)).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i)).isCompletedWithValue(i * i);
        }
    }

    @Test
    void closeWaitsForRunningTasks() {
        CompletableFuture<Integer> running = pool.applyAsync(PoolTasks::slowSquare, 6);
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(running).isCompletedWithValue(36);
    }

    @Test
    void shutdownNowStopsRunningTasksAndHandsBackTheQueuedOnes() throws Exception {
        Path started = dir.resolve("started");
        String startedFile = started.toString();
        List<CompletableFuture<Integer>> running = IntStream.range(0, 2).mapToObj(i -> pool.applyAsync(x -> {
            appendLine(startedFile, "go");
            return spinUntilStopped(x);
        }, i)).toList();
        List<CompletableFuture<Integer>> queued = IntStream.range(0, 5)
                .mapToObj(i -> pool.applyAsync(PoolContract::square, i)).toList();
        Files2.awaitLines(startedFile, 2); // both workers busy, the five others still queued
        List<Runnable> handedBack = pool.shutdownNow();
        assertThat(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        for (CompletableFuture<Integer> future : running) {
            assertThat(future).isDone();
        }
        assertThat(handedBack).hasSize(5);
        assertThat(queued).noneMatch(CompletableFuture::isDone); // handed back, not cancelled, as the JDK does
        handedBack.forEach(Runnable::run);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i)).isCompletedWithValue(i * i);
        }
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void badArgumentsGetClearErrors() {
        assertThatThrownBy(() -> pool.map(PoolContract::square, List.of(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkSize: 0 (expected: at least 1)");
        assertThatThrownBy(() -> pool.applyAsync(PoolContract::square, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> context.pool(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workers: 0 (expected: at least 1)");
        assertThatThrownBy(() -> PoolOptions.builder().maxTasksPerWorker(-1))
                .hasMessageContaining("maxTasksPerWorker: -1");
        assertThat(pool.toString()).contains("RUNNING");
    }
}
