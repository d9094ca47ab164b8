package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.multiprocessing4j.internal.os.ProcessState;
import io.github.multiprocessing4j.internal.shm.SharedFiles;
import io.github.multiprocessing4j.testing.Files2;
import io.github.multiprocessing4j.testing.OrphanParentMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No orphans: when the parent JVM dies by any means, its workers exit within one second. The
 * parent is a separate JVM ({@link OrphanParentMain}); this test JVM is the third process that
 * watches the worker.
 */
@Tag("slow")
class ParentDeathTest {

    static final Duration DEADLINE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "parent ends by {0}, worker ready: {1}, PR_SET_PDEATHSIG armed by: {2}")
    @CsvSource({
        "kill -9, true, setpriv",
        "kill -9, true, ffm",
        "kill -9, true, off",
        "kill -9, false, setpriv",
        "kill -9, false, ffm",
        "kill -TERM, true, setpriv",
        "exit, true, setpriv",
        "halt, true, off",
        "throw, true, ffm",
    })
    void theWorkerDiesWithinOneSecond(String ending, boolean waitForReady, String deathSignal) throws Exception {
        String mode = ending.startsWith("kill") ? "block" : ending;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), OrphanParentMain.class.getName(), dir.toString(), mode,
                Boolean.toString(waitForReady), deathSignal)
                .redirectErrorStream(true).redirectOutput(dir.resolve("parent.log").toFile()).start();
        long workerPid;
        try {
            Files2.await(dir.resolve("worker-pid").toString());
            workerPid = Long.parseLong(Files.readString(dir.resolve("worker-pid")));
            if (ending.startsWith("kill")) {
                Process kill = new ProcessBuilder("kill", ending.substring(5), Long.toString(parent.pid())).start();
                assertThat(kill.waitFor()).isZero();
            }
            assertThat(parent.waitFor(60, TimeUnit.SECONDS)).as("parent ended").isTrue();
        } finally {
            parent.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly().waitFor();
        }
        long parentGone = System.nanoTime();
        // a dead worker may stay a zombie: its new parent (init) need not reap it at once
        while (ProcessState.isRunning(workerPid) && System.nanoTime() - parentGone < DEADLINE.toNanos()) {
            Thread.onSpinWait();
        }
        if (ProcessState.isRunning(workerPid)) {
            ProcessHandle.of(workerPid).ifPresent(ProcessHandle::destroyForcibly);
            fail("worker " + workerPid + " still alive " + DEADLINE + " after its parent ended by " + ending
                    + "; parent log: " + Files.readString(dir.resolve("parent.log")));
        }
        // a parent killed with -9 leaves its hub socket: the next JVM's sweeper removes it
        List<Path> left;
        try (var files = Files.list(SharedFiles.directory())) {
            left = files.filter(f -> f.getFileName().toString().startsWith("multiprocessing4j-" + parent.pid() + "-")).toList();
        }
        if (!left.isEmpty()) {
            SharedFiles.sweepStale();
            assertThat(left).allSatisfy(file -> assertThat(file).doesNotExist());
        }
    }
}
