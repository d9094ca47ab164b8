package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.testing.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link WorkerProcess} and {@link Context}, run against every backend by a small
 * subclass each. Workers report back through files, which work the same on every backend.
 */
abstract class WorkerProcessContract {

    @TempDir
    Path dir;

    Context context;

    abstract Context newContext();

    @BeforeEach
    void openContext() {
        context = newContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    String file(String name) {
        return dir.resolve(name).toString();
    }

    boolean isProcesses() {
        return context.backend() == Backend.PROCESSES;
    }

    @Test
    void runsTheTargetAndExitsWithZero() throws Exception {
        String out = file("out");
        WorkerProcess p = context.process(() -> Files.writeString(Path.of(out), WorkerProcess.current().name()))
                .name("greeter").start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(p.isAlive()).isFalse();
        assertThat(p.failure()).isEmpty();
        assertThat(p.pid()).isPresent();
        assertThat(Files.readString(Path.of(out))).isEqualTo("greeter");
    }

    @Test
    void aTargetThatThrowsExitsWithOneAndItsExceptionReachesTheParent() throws Exception {
        WorkerProcess p = context.process(() -> {
            throw new IllegalStateException("boom in the worker");
        }).start();
        p.join();
        assertThat(p.exitCode()).hasValue(1);
        assertThat(p.failure().orElseThrow()).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom in the worker");
        assertThat(p.failure().orElseThrow().getStackTrace())
                .anySatisfy(frame -> assertThat(frame.getClassName()).isEqualTo(WorkerProcessContract.class.getName()));
    }

    @Test
    void aCheckedExceptionIsReportedLikeAnyOther() throws Exception {
        WorkerProcess p = context.process(() -> {
            throw new IOException("disk on fire");
        }).start();
        p.join();
        assertThat(p.exitCode()).hasValue(1);
        assertThat(p.failure().orElseThrow()).isInstanceOf(IOException.class).hasMessage("disk on fire");
    }

    @Test
    void joinWithATimeoutReturnsFalseWhileTheWorkerRuns() throws Exception {
        String go = file("go");
        WorkerProcess p = context.process(() -> Files2.await(go)).start();
        assertThat(p.join(Duration.ofMillis(50))).isFalse();
        assertThat(p.isAlive()).isTrue();
        assertThat(p.exitCode()).isEmpty();
        Files2.write(go, "");
        assertThat(p.join(Files2.HANDSHAKE_TIMEOUT)).isTrue();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void settingsCannotChangeOnceStartedAndStartWorksOnce() throws Exception {
        WorkerProcess p = context.process(() -> { }).name("once");
        assertThatThrownBy(p::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
        p.start();
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
        assertThatThrownBy(() -> p.name("other")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        assertThatThrownBy(() -> p.daemon(true)).isInstanceOf(IllegalStateException.class);
        p.join();
        assertThat(p.name()).isEqualTo("once");
    }

    @Test
    void badArgumentsAreRejectedWithTheValueAndWhatWasExpected() {
        WorkerProcess p = context.process(() -> { });
        assertThatThrownBy(() -> p.name(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: \" \" (expected: a non-blank name)");
        assertThatThrownBy(() -> context.process(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("target");
    }

    @Test
    void defaultNamesArePythonStyle() {
        assertThat(context.process(() -> { }).name()).matches("Process-\\d+");
    }

    @Test
    void activeChildrenListsTheRunningWorkers() throws Exception {
        String go = file("go");
        WorkerProcess running = context.process(() -> Files2.await(go)).start();
        WorkerProcess done = context.process(() -> { }).start();
        done.join();
        assertThat(context.activeChildren()).containsExactly(running);
        Files2.write(go, "");
        running.join();
        assertThat(context.activeChildren()).isEmpty();
    }

    @Test
    void onExitCompletesWithTheWorker() throws Exception {
        WorkerProcess p = context.process(() -> { }).start();
        assertThat(p.onExit().get(60, TimeUnit.SECONDS)).isSameAs(p);
        assertThat(p.onExit()).isSameAs(p.onExit());
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void closeFailsWhileRunningAndSucceedsAfter() throws Exception {
        String go = file("go");
        WorkerProcess p = context.process(() -> Files2.await(go)).start();
        assertThatThrownBy(p::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
        Files2.write(go, "");
        p.join();
        p.close();
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void currentAndParentInsideTheTarget() throws Exception {
        String out = file("out");
        long parentPid = ProcessHandle.current().pid();
        WorkerProcess p = context.process(() -> Files.writeString(Path.of(out), WorkerProcess.current().name() + ","
                + WorkerProcess.current().pid().orElseThrow() + ","
                + WorkerProcess.parent().map(parent -> parent.pid().orElseThrow()).orElse(-1L)))
                .name("child").start();
        p.join();
        String expectedParent = isProcesses() ? Long.toString(parentPid) : "-1";
        assertThat(Files.readString(Path.of(out))).isEqualTo("child," + p.pid().orElseThrow() + "," + expectedParent);
        assertThat(WorkerProcess.current().name()).isEqualTo("MainProcess");
        assertThat(WorkerProcess.parent()).isEmpty();
        assertThatThrownBy(() -> WorkerProcess.current().join()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void terminateStopsABlockedWorker() throws Exception {
        String started = file("started");
        WorkerProcess p = context.process(() -> {
            Files2.write(started, "");
            Files2.blockForever();
        }).start();
        Files2.await(started);
        p.terminate();
        p.join();
        // a JVM ends by SIGTERM; a thread ends by the interrupt, which the target rethrows
        assertThat(p.exitCode()).hasValue(isProcesses() ? -15 : 1);
    }

    @Test
    void closingTheContextTerminatesDaemonsAndWaitsForTheOthers() throws Exception {
        String started = file("started");
        String finished = file("finished");
        WorkerProcess daemon = context.process(() -> {
            Files2.write(started, "");
            Files2.blockForever();
        }).daemon(true).start();
        Files2.await(started);
        WorkerProcess normal = context.process(() -> Files2.write(finished, "done")).start();
        context.close();
        assertThat(daemon.isAlive()).isFalse();
        assertThat(normal.exitCode()).hasValue(0);
        assertThat(Files.readString(Path.of(finished))).isEqualTo("done");
        assertThatThrownBy(() -> context.process(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(List.of(daemon.isDaemon(), normal.isDaemon())).containsExactly(true, false);
    }
}
