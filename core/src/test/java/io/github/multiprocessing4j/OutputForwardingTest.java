package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.testing.CapturingSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Worker output reaches the parent line by line, in order, with the worker's name. */
class OutputForwardingTest {

    static final int LINES = 10_000;

    @Test
    void everyLineArrivesInOrderOnItsStream() throws Exception {
        CapturingSink sink = new CapturingSink();
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(sink).build())) {
            WorkerProcess p = context.process(() -> {
                for (int i = 0; i < LINES; i++) {
                    System.out.println("out " + i);
                    if (i % 100 == 0) {
                        System.err.println("err " + i);
                    }
                }
                System.out.print("héllo wörld ✓ without newline");
            }).name("chatty").start();
            p.join();
            List<String> expectedOut = IntStream.range(0, LINES).mapToObj(i -> "out " + i).toList();
            List<String> out = sink.lines("chatty", OutputSink.Stream.STDOUT);
            assertThat(out).hasSize(LINES + 1);
            assertThat(out.subList(0, LINES)).isEqualTo(expectedOut);
            assertThat(out.getLast()).isEqualTo("héllo wörld ✓ without newline");
            assertThat(sink.lines("chatty", OutputSink.Stream.STDERR))
                    .isEqualTo(IntStream.range(0, LINES / 100).mapToObj(i -> "err " + i * 100).toList());
        }
    }

    @Test
    void theDefaultSinkPrefixesTheWorkerName() throws Exception {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Context context = Multiprocessing.processes()) {
            context.process(() -> System.out.println("hello")).name("greeter").start().join();
        } finally {
            System.setOut(originalOut);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("[greeter] hello" + System.lineSeparator());
    }

    @Test
    void aSinkThatThrowsDoesNotBlockTheWorker() throws Exception {
        OutputSink failing = (name, stream, line) -> {
            throw new IllegalStateException("sink broken");
        };
        try (Context context = Multiprocessing.processes(ProcessOptions.builder().output(failing).build())) {
            WorkerProcess p = context.process(() -> {
                for (int i = 0; i < 100_000; i++) {
                    System.out.println("line that nobody can print " + i);
                }
            }).start();
            p.join();
            assertThat(p.exitCode()).hasValue(0);
        }
    }
}
