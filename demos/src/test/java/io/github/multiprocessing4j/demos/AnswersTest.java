package io.github.multiprocessing4j.demos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A demo waiting for answers fails at once, naming the worker, when a worker dies instead of answering. */
class AnswersTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    @Test
    void answersArriveAndAFailedWorkerIsNamedAtOnce() throws Exception {
        try (Context context = Multiprocessing.threads(); SharedQueue<Integer> answers = context.queue()) {
            WorkerProcess good = context.process(() -> answers.put(7)).name("good").start();
            good.join(); // its answer is in before the other fails
            WorkerProcess bad = context.process(() -> {
                throw new IllegalArgumentException("no answer from me");
            }).name("bad").start();
            assertThat(Answers.next(answers, List.of(good, bad), LONG, "answer")).isEqualTo(7);
            long start = System.nanoTime();
            assertThatThrownBy(() -> Answers.next(answers, List.of(good, bad), LONG, "answer"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bad ended (exit code 1)")
                    .hasRootCauseMessage("no answer from me");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            bad.join();
        }
    }

    @Test
    void workersThatEndWithoutAnsweringAreReported() throws Exception {
        try (Context context = Multiprocessing.threads(); SharedQueue<Integer> answers = context.queue()) {
            WorkerProcess quiet = context.process(() -> { }).name("quiet").start();
            assertThatThrownBy(() -> Answers.next(answers, List.of(quiet), LONG, "answer"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("every worker ended");
            quiet.join();
        }
    }

    @Test
    void aKilledWorkerJvmIsReported() throws Exception {
        try (Context context = Multiprocessing.processes(); SharedQueue<Integer> answers = context.queue()) {
            WorkerProcess stuck = context.process(() -> new CountDownLatch(1).await()).name("stuck").start();
            try {
                stuck.kill();
                assertThatThrownBy(() -> Answers.next(answers, List.of(stuck), LONG, "answer"))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stuck ended (exit code -9)");
            } finally {
                stuck.kill();
                stuck.join(LONG);
            }
        }
    }

    @Test
    void theTimeoutStillApplies() throws Exception {
        try (Context context = Multiprocessing.threads(); SharedQueue<Integer> answers = context.queue()) {
            CountDownLatch release = new CountDownLatch(1);
            WorkerProcess waiting = context.process(() -> release.await()).name("waiting").start();
            try {
                assertThatThrownBy(() -> Answers.next(answers, List.of(waiting), Duration.ofMillis(300), "answer"))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no answer within");
            } finally {
                release.countDown();
                waiting.join(LONG);
            }
        }
    }
}
