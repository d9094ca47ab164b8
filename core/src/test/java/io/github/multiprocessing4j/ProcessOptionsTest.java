package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessOptions}: validation, and every option reaching the worker JVM. */
class ProcessOptionsTest {

    @TempDir
    Path dir;

    @Test
    void badValuesAreRejectedWithTheValueAndWhatWasExpected() {
        ProcessOptions.Builder builder = ProcessOptions.builder();
        assertThatThrownBy(() -> builder.maxHeap("12x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHeap: \"12x\" (expected: a positive size such as 64m, 512m or 2g)");
        assertThatThrownBy(() -> builder.jvmFlag("UseG1GC")).hasMessage(
                "jvmFlag: \"UseG1GC\" (expected: a JVM option starting with '-')");
        assertThatThrownBy(() -> builder.jvmFlag("-cp")).hasMessageStartingWith("jvmFlag: \"-cp\" (expected: not a class path");
        assertThatThrownBy(() -> builder.jvmFlag("-Xmx1g")).hasMessageContaining("maxHeap(..)");
        assertThatThrownBy(() -> builder.jvmFlag("-Dx=y")).hasMessageContaining("systemProperty(name, value)");
        assertThatThrownBy(() -> builder.systemProperty("a=b", "c")).hasMessageStartingWith("systemProperty name: \"a=b\"");
        assertThatThrownBy(() -> builder.environment("", "c")).hasMessageStartingWith("environment name: \"\"");
        assertThatThrownBy(() -> builder.workingDirectory(dir.resolve("missing")))
                .hasMessageContaining("(expected: an existing directory)");
        assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO)).hasMessage("startTimeout: PT0S (expected: a positive duration)");
        assertThatThrownBy(() -> Multiprocessing.processes(ProcessOptions.builder().codec("xml").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codec: \"xml\" (expected: one of [jdk, fory])");
    }

    @Test
    void optionsAreImmutableAndCopyable() {
        ProcessOptions options = ProcessOptions.builder().maxHeap("64m").jvmFlag("-Xss512k").build();
        ProcessOptions changed = options.toBuilder().jvmFlag("-XX:+UseSerialGC").build();
        assertThat(options.jvmFlags()).containsExactly("-Xss512k");
        assertThat(changed.jvmFlags()).containsExactly("-Xss512k", "-XX:+UseSerialGC");
        assertThat(changed.maxHeap()).hasValue("64m");
        assertThatThrownBy(() -> options.jvmFlags().add("-x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyOptionReachesTheWorker() throws Exception {
        Path workDir = Files.createDirectory(dir.resolve("work"));
        String out = dir.resolve("out").toString();
        ProcessOptions options = ProcessOptions.builder()
                .maxHeap("96m")
                .jvmFlag("-XX:+UseSerialGC")
                .systemProperty("mp4j.test.property", "value with spaces")
                .environment("MP4J_TEST_ENV", "from the parent")
                .workingDirectory(workDir)
                .build();
        try (Context context = Multiprocessing.processes(options)) {
            context.process(() -> Files.write(Path.of(out), List.of(
                    System.getProperty("mp4j.test.property"),
                    System.getenv("MP4J_TEST_ENV"),
                    Path.of("").toAbsolutePath().toString(),
                    Long.toString(Runtime.getRuntime().maxMemory() / (1024 * 1024)),
                    String.join(" ", ProcessHandle.current().info().arguments().orElseThrow()))))
                    .start().join();
        }
        List<String> seen = Files.readAllLines(Path.of(out));
        assertThat(seen.get(0)).isEqualTo("value with spaces");
        assertThat(seen.get(1)).isEqualTo("from the parent");
        assertThat(seen.get(2)).isEqualTo(workDir.toString());
        assertThat(Long.parseLong(seen.get(3))).isBetween(80L, 96L);
        assertThat(seen.get(4)).contains("-XX:+UseSerialGC");
    }

    @Test
    void aStartTimeoutKillsAWorkerThatNeverCallsBack() throws Exception {
        // a worker paused by SIGSTOP before its handshake cannot answer; the timeout must end it
        ProcessOptions options = ProcessOptions.builder().startTimeout(Duration.ofMillis(1)).build();
        try (Context context = Multiprocessing.processes(options)) {
            WorkerProcess p = context.process(() -> { }).start();
            p.join();
            assertThat(p.exitCode()).hasValue(-9);
            assertThat(p.failure().orElseThrow()).isInstanceOf(WorkerCrashedException.class);
        }
    }
}
