package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.testing.CapturingSink;
import io.github.multiprocessing4j.testing.Files2;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only worker JVMs can do: die. Each way a worker can end fails the one task it was running,
 * with the facts, and the pool goes on with a fresh worker.
 */
class ProcessPoolFailureTest {

    static final long WAIT_SECONDS = PoolContract.WAIT_SECONDS;

    @TempDir
    Path dir;

    CapturingSink output = new CapturingSink();
    Context context;

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(output)
                .maxHeap("96m")
                .jvmFlag("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"))
                .jvmFlag("-XX:-CreateCoredumpOnCrash")
                .build());
    }

    @AfterEach
    void close() {
        context.close();
    }

    static Integer exit3(Integer x) {
        System.exit(3);
        return x;
    }

    static Integer halt7(Integer x) {
        Runtime.getRuntime().halt(7);
        return x;
    }

    static Integer exhaustHeap(Integer x) {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 20]);
        }
    }

    @SuppressWarnings("restricted") // crashing the worker JVM is the point
    static Integer segfault(Integer x) {
        return (int) MemorySegment.ofAddress(8).reinterpret(8).get(ValueLayout.JAVA_LONG, 0);
    }

    static Stream<Arguments> deaths() {
        return Stream.of(
                Arguments.of("System.exit(3)", (SerializableFunction<Integer, Integer>) ProcessPoolFailureTest::exit3, 3,
                        null),
                Arguments.of("Runtime.halt(7)", (SerializableFunction<Integer, Integer>) ProcessPoolFailureTest::halt7, 7,
                        null),
                Arguments.of("OutOfMemoryError", (SerializableFunction<Integer, Integer>) ProcessPoolFailureTest::exhaustHeap,
                        3, "OutOfMemoryError"),
                // with core dumps off (-XX:-CreateCoredumpOnCrash), HotSpot ends a crashed JVM with exit(1);
                // it prints its crash report to stdout and the hs_err file, not to stderr
                Arguments.of("native crash", (SerializableFunction<Integer, Integer>) ProcessPoolFailureTest::segfault,
                        1, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deaths")
    void aDyingWorkerFailsOnlyItsTaskAndIsReplaced(String how, SerializableFunction<Integer, Integer> death,
            int exitCode, String stderrHint) throws Exception {
        try (ProcessPool pool = context.pool(2)) {
            List<CompletableFuture<Integer>> before = IntStream.range(0, 10)
                    .mapToObj(i -> pool.applyAsync(PoolContract::square, i)).toList();
            CompletableFuture<Integer> dying = pool.applyAsync(death, 0);
            List<CompletableFuture<Integer>> after = IntStream.range(0, 10)
                    .mapToObj(i -> pool.applyAsync(PoolContract::square, i)).toList();
            assertThatThrownBy(() -> dying.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WorkerCrashedException.class)
                    .satisfies(e -> {
                        WorkerCrashedException crash = (WorkerCrashedException) e;
                        assertThat(crash.exitCode()).as(how).isEqualTo(exitCode);
                        assertThat(crash.pid()).isPositive();
                        assertThat(crash.getMessage()).contains("pool-worker-");
                        if (stderrHint != null) {
                            assertThat(String.join("\n", crash.lastStderrLines())).contains(stderrHint);
                        }
                    });
            for (int i = 0; i < 10; i++) {
                assertThat(before.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(i * i);
                assertThat(after.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(i * i);
            }
            assertThat(pool.map(PoolContract::square, List.of(1, 2, 3), 1)).containsExactly(1, 4, 9);
        }
        if (how.equals("native crash")) {
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("hs_err_"));
            }
        }
    }

    @Test
    void aWorkerKilledWithSigkillMidTaskFailsThatTaskWithTheSignal() throws Exception {
        Path pidFile = dir.resolve("pid");
        String pidPath = pidFile.toString();
        try (ProcessPool pool = context.pool(2)) {
            CompletableFuture<Integer> victim = pool.applyAsync(x -> {
                Files2.write(pidPath, Long.toString(ProcessHandle.current().pid()));
                return PoolContract.spinUntilStopped(x);
            }, 0);
            Files2.await(pidPath);
            long pid = Long.parseLong(Files.readString(pidFile));
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            assertThatThrownBy(() -> victim.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOf(WorkerCrashedException.class)
                    .satisfies(e -> {
                        assertThat(((WorkerCrashedException) e).exitCode()).isEqualTo(-9);
                        assertThat(((WorkerCrashedException) e).pid()).isEqualTo(pid);
                    });
            assertThat(pool.apply(PoolContract::square, 12)).isEqualTo(144);
        }
    }

    @Test
    void aCrashInsideAChunkFailsOnlyThatItemAndRunsTheOthersAgain() {
        try (ProcessPool pool = context.pool(2)) {
            List<String> outcomes = PoolContract.outcomes(pool.imap(x -> {
                if (x == 15) {
                    System.exit(5);
                }
                return x;
            }, IntStream.range(0, 30).boxed().toList(), 10));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(i == 15 ? "WorkerCrashedException" : Integer.toString(i));
            }
            assertThat(outcomes).isEqualTo(expected);
        }
    }

    @Test
    void aTimeoutInsideAChunkFailsOnlyThatItem() {
        try (ProcessPool pool = context.pool(PoolOptions.builder().workers(2).taskTimeout(Duration.ofMillis(500)).build())) {
            List<String> outcomes = PoolContract.outcomes(pool.imap(x -> x == 7 ? PoolContract.spinUntilStopped(x) : x,
                    IntStream.range(0, 20).boxed().toList(), 5));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(i == 7 ? "TaskTimeoutException" : Integer.toString(i));
            }
            assertThat(outcomes).isEqualTo(expected);
        }
    }

    @Test
    void aNonSerializableArgumentOrCaptureFailsInTheCallersThreadAndSubmitsNothing() throws Exception {
        try (ProcessPool pool = context.pool(1); Socket socket = new Socket()) {
            assertThatThrownBy(() -> pool.apply(x -> x, new Object()))
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("argument (java.lang.Object)");
            assertThatThrownBy(() -> pool.apply(x -> socket.isBound(), 1))
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("java.net.Socket");
            assertThatThrownBy(() -> pool.map(x -> x, List.of(1, new Object(), 3)))
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("item 1 (java.lang.Object)");
            assertThatThrownBy(() -> pool.map(x -> x, new java.util.ArrayDeque<>(List.of(1, 2, new Object()))))
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("item 2 (java.lang.Object)");
            assertThatThrownBy(() -> pool.starmap((a, b) -> a, List.of(Map.entry(1, 2), Map.entry(3, new Object()))))
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("pair 1.value (java.lang.Object)");
            Iterable<Integer> notACollection = () -> IntStream.range(0, 40).boxed().iterator();
            assertThat(pool.map(x -> x + 1, notACollection)).containsExactlyElementsOf(IntStream.range(1, 41).boxed()
                    .toList());
            assertThat(pool.apply(PoolContract::square, 3)).isEqualTo(9);
        }
    }

    @Test
    void aResultThatCannotBeSentBackFailsItsTaskOnly() throws Exception {
        try (ProcessPool pool = context.pool(1)) {
            assertThatThrownBy(() -> pool.apply(x -> new Object(), 1))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("result (java.lang.Object)");
            assertThat(pool.apply(PoolContract::square, 3)).isEqualTo(9);
        }
    }

    @Test
    void anInitializerThatAlwaysFailsBreaksThePoolInsteadOfLooping() {
        ProcessPool pool = context.pool(PoolOptions.builder().workers(1).initializer(() -> {
            throw new IllegalStateException("cannot initialize");
        }).build());
        try {
            assertThatThrownBy(() -> pool.apply(PoolContract::square, 2))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in a row")
                    .hasRootCauseMessage("cannot initialize");
            assertThatThrownBy(() -> pool.apply(PoolContract::square, 2))
                    .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("broken");
        } finally {
            pool.close();
        }
    }

    @Test
    void aBrokenPoolEndsALazyCallWithTheReason() {
        try (Context bad = Multiprocessing.processes(ProcessOptions.builder().output(output)
                .jvmFlag("-XX:+NoSuchFlagInThisJvm").build());
                ProcessPool pool = bad.pool(2)) {
            List<String> outcomes = PoolContract.outcomes(pool.imap(PoolContract::square, IntStream.range(0, 30).boxed().toList(), 10));
            assertThat(outcomes).containsExactly("IllegalStateException");
        }
    }

    @Test
    void workersThatCannotStartBreakThePoolWithTheReason() throws Exception {
        try (Context bad = Multiprocessing.processes(ProcessOptions.builder().output(output)
                .jvmFlag("-XX:+NoSuchFlagInThisJvm").build());
                ProcessPool pool = bad.pool(1)) {
            assertThatThrownBy(() -> pool.apply(PoolContract::square, 2))
                    .isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("in a row")
                    .rootCause().isInstanceOf(WorkerCrashedException.class);
        }
    }
}
