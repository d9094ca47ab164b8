package io.github.multiprocessing4j.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.ProcessPool;
import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.WorkerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ctx.manager()}: objects in a manager worker, used through proxies from processes and pool tasks. */
class LocalManagerTest {

    static Context context(String backend) {
        return switch (backend) {
            case "processes" -> Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
            case "threads" -> Multiprocessing.threads();
            default -> Multiprocessing.virtualThreads();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads", "virtualThreads"})
    void workersAndPoolTasksShareADictAListAndAQueueThroughProxies(String backend) throws Exception {
        try (Context context = context(backend); Manager manager = context.manager()) {
            Map<String, Integer> scores = manager.dict();
            List<String> log = manager.list();
            BlockingQueue<Integer> results = manager.queue();
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                workers.add(context.process(() -> {
                    for (int i = 0; i < 20; i++) {
                        scores.put("w" + id + "-" + i, i);
                        results.put(i);
                    }
                    log.add("worker " + id + " done");
                }).start());
            }
            for (WorkerProcess worker : workers) {
                worker.join();
                assertThat(worker.exitCode()).hasValue(0);
            }
            try (ProcessPool pool = context.pool(2)) {
                List<Integer> lengths = pool.map(name -> {
                    scores.put(name, name.length());
                    return scores.size();
                }, List.of("ada", "grace", "alan"));
                assertThat(lengths).allMatch(n -> n >= 41);
            }
            assertThat(scores).hasSize(43).containsEntry("grace", 5).containsEntry("w1-19", 19);
            assertThat(log).containsExactlyInAnyOrder("worker 0 done", "worker 1 done");
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                taken.add(results.poll(30, TimeUnit.SECONDS));
            }
            assertThat(taken).hasSize(40).doesNotContainNull();
            assertThat(results.poll()).isNull();
            assertThat(IntStream.range(0, 20).allMatch(taken::contains)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "threads"})
    void remoteExceptionsAndAClosedManagerAreClear(String backend) throws Exception {
        try (Context context = context(backend)) {
            Manager manager = context.manager();
            List<String> list = manager.list();
            assertThatThrownBy(() -> list.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
            Map<String, Object> dict = manager.dict();
            assertThatThrownBy(() -> dict.put("x", new Object()))
                    .isInstanceOf(io.github.multiprocessing4j.NotSerializableTaskException.class);
            assertThat(dict.put("y", "fine")).as("the manager survived the bad argument").isNull();
            assertThat(dict.putIfAbsent("y", "other")).isEqualTo("fine");
            assertThat(list.toString()).contains("proxy of List");
            assertThat(list).isEqualTo(list);
            manager.close();
            assertThat(manager.isAlive()).isFalse();
            assertThatThrownBy(list::size).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes"})
    void aKilledManagerFailsWaitingCallsInsteadOfHangingThem(String backend) throws Exception {
        try (Context context = context(backend); Manager manager = context.manager()) {
            BlockingQueue<String> queue = manager.queue();
            // the take waits in the manager, or finds it dead: either way it must fail, not hang
            java.util.concurrent.CompletableFuture<String> taken = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            context.activeChildren().forEach(WorkerProcess::kill);
            assertThatThrownBy(() -> taken.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !manager.isAlive());
        }
    }
}
