package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.testing.CapturingSink;
import io.github.multiprocessing4j.testing.Files2;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exit codes of worker JVMs, as Python reports them: the status, or minus the signal. */
class ProcessExitCodeTest {

    @TempDir
    Path dir;

    Context context;
    CapturingSink output = new CapturingSink();

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(output).build());
    }

    @AfterEach
    void close() {
        context.close();
    }

    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("normal return", (SerializableRunnable) () -> { }, 0),
                Arguments.of("System.exit(3)", (SerializableRunnable) () -> System.exit(3), 3),
                Arguments.of("System.exit(137), not a SIGKILL", (SerializableRunnable) () -> System.exit(137), 137),
                Arguments.of("System.exit(143), not a SIGTERM", (SerializableRunnable) () -> System.exit(143), 143),
                Arguments.of("Runtime.halt(7)", (SerializableRunnable) () -> Runtime.getRuntime().halt(7), 7),
                Arguments.of("uncaught exception", (SerializableRunnable) () -> {
                    throw new IllegalArgumentException("bad");
                }, 1),
                Arguments.of("exception in another thread, then normal return", (SerializableRunnable) () -> {
                    Thread t = new Thread(() -> {
                        throw new IllegalStateException("in a helper thread");
                    });
                    t.start();
                    t.join();
                }, 0));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("endings")
    void exitCodeOf(String description, SerializableRunnable target, int expected) throws Exception {
        WorkerProcess p = context.process(target).start();
        p.join();
        assertThat(p.exitCode()).as(description).hasValue(expected);
    }

    @Test
    void sigtermGivesMinus15AndRunsShutdownHooks() throws Exception {
        String ready = dir.resolve("ready").toString();
        WorkerProcess p = context.process(() -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
            Files2.write(ready, "");
            Files2.blockForever();
        }).name("termed").start();
        Files2.await(ready);
        p.terminate();
        p.join();
        assertThat(p.exitCode()).hasValue(-15);
        assertThat(output.lines("termed", OutputSink.Stream.STDOUT)).containsExactly("hook ran");
        assertThat(p.failure()).isEmpty();
    }

    /** Starts a worker that blocks until stopped, and waits until it runs. */
    private WorkerProcess startBlockedWorker() throws Exception {
        String ready = dir.resolve("ready").toString();
        WorkerProcess p = context.process(() -> {
            Files2.write(ready, "");
            Files2.blockForever();
        }).start();
        Files2.await(ready);
        return p;
    }

    @Test
    void sigkillGivesMinus9() throws Exception {
        WorkerProcess p = startBlockedWorker();
        p.kill();
        p.join();
        assertThat(p.exitCode()).hasValue(-9);
    }

    @Test
    void killFromOutsideTheLibraryIsSeenToo() throws Exception {
        WorkerProcess p = startBlockedWorker();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(p.pid().orElseThrow())).start();
        assertThat(kill.waitFor()).isZero();
        p.join();
        assertThat(p.exitCode()).hasValue(-9);
    }

    @Test
    void aWorkerThatCannotStartReportsWhy() throws Exception {
        try (Context broken = Multiprocessing.processes(ProcessOptions.builder().output(output)
                .jvmFlag("-XX:+ThisFlagDoesNotExist").build())) {
            WorkerProcess p = broken.process(() -> { }).name("broken").start();
            p.join();
            assertThat(p.exitCode()).hasValue(1);
            assertThat(p.failure().orElseThrow()).isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("ThisFlagDoesNotExist");
        }
    }
}
