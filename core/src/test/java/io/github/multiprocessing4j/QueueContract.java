package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SharedQueue}, {@link JoinableQueue}, {@link Pipe} and
 * {@link Connection#waitAny}, run against every backend by a small subclass each. Workers reach
 * the queues by capturing them, as users do.
 */
abstract class QueueContract {

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

    /** A value that cannot be serialized. */
    static final class NotSerializable {
    }

    /**
     * Starts a thread that takes from {@code queue} and completes {@code outcome} with what the
     * take threw (or null); returns once the thread is about to take.
     */
    static Thread startTaker(SharedQueue<?> queue, CompletableFuture<Throwable> outcome) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Thread taker = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                queue.take();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        started.await();
        return taker;
    }

    @Test
    void aQueueBoundedByBytesBlocksAProducerAndStillCarriesLargerElements() throws Exception {
        SharedQueue<byte[]> queue = context.queue(Integer.MAX_VALUE, 5_000); // rounded up to 8 KiB
        int held = 0;
        while (queue.offer(new byte[1_000], 20, TimeUnit.MILLISECONDS)) {
            held++;
            assertThat(held).as("the byte bound holds").isLessThanOrEqualTo(8);
        }
        assertThat(held).as("1 KB elements in 8 KiB").isGreaterThanOrEqualTo(6);
        assertThat(queue.size()).isEqualTo(held);
        // an element larger than the whole bound streams through as a consumer takes
        WorkerProcess producer = context.process(() -> queue.put(new byte[100_000])).start();
        for (int i = 0; i < held; i++) {
            assertThat(queue.take()).hasSize(1_000);
        }
        assertThat(queue.poll(30, TimeUnit.SECONDS)).hasSize(100_000);
        producer.join();
        assertThat(producer.exitCode()).hasValue(0);
        assertThatThrownBy(() -> context.queue(10, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes: 100");
    }

    @Test
    void aWorkerPutsAndTheParentTakesInOrder() throws Exception {
        SharedQueue<Integer> queue = context.queue();
        WorkerProcess producer = context.process(() -> {
            for (int i = 0; i < 500; i++) {
                queue.put(i);
            }
        }).start();
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            taken.add(queue.take());
        }
        producer.join();
        assertThat(producer.exitCode()).hasValue(0);
        assertThat(taken).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 500).boxed().toList());
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void elementsOfEveryKindArriveAsEqualCopies() throws Exception {
        SharedQueue<Object> queue = context.queue();
        List<Object> values = List.of(1, 2L, 3.5, "text", true, new byte[] {1, 2, 3}, List.of("a", "b"),
                new java.util.TreeMap<>(java.util.Map.of("k", 1)), new int[] {-1, 0, Integer.MAX_VALUE},
                new long[] {Long.MIN_VALUE, 7}, new double[] {Double.NaN, -0.0, 1e300}, new long[0]);
        for (Object value : values) {
            queue.put(value);
        }
        assertThat(queue.size()).isEqualTo(values.size());
        for (Object value : values) {
            Object back = queue.take();
            if (value instanceof byte[] bytes) {
                assertThat((byte[]) back).containsExactly(bytes);
            } else if (value.getClass().isArray()) {
                assertThat(back).isInstanceOf(value.getClass());
                assertThat(java.util.Objects.deepEquals(new Object[] {back}, new Object[] {value})).isTrue();
            } else {
                assertThat(back).isEqualTo(value);
            }
        }
    }

    @Test
    void aBoundedQueueRefusesAnOfferWhenFullAndAcceptsOnceRoomIsMade() throws Exception {
        SharedQueue<String> queue = context.queue(2);
        assertThat(queue.capacity()).isEqualTo(2);
        assertThat(queue.offer("a")).isTrue();
        assertThat(queue.offer("b", 10, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(queue.offer("c")).isFalse();
        assertThat(queue.offer("c", 50, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(queue.remainingCapacity()).isZero();
        assertThatThrownBy(() -> queue.add("c")).isInstanceOf(IllegalStateException.class);
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.offer("c")).isTrue();
        assertThat(List.of(queue.take(), queue.take())).containsExactly("b", "c");
    }

    @Test
    void aBlockedPutProceedsWhenAConsumerTakes() throws Exception {
        SharedQueue<Integer> queue = context.queue(1);
        queue.put(1);
        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> {
            try {
                queue.put(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(queue.take()).isEqualTo(1);
        put.get(10, TimeUnit.SECONDS);
        assertThat(queue.take()).isEqualTo(2);
    }

    @Test
    void pollTimesOutOnAnEmptyQueueAndTakeHonoursInterruption() throws Exception {
        SharedQueue<Integer> queue = context.queue();
        long t0 = System.nanoTime();
        assertThat(queue.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread taker = startTaker(queue, outcome);
        taker.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        queue.put(7); // nothing was taken by the interrupted call
        assertThat(queue.take()).isEqualTo(7);
    }

    @Test
    void aMessageFarLargerThanTheRingIsStreamedWhole() throws Exception {
        SharedQueue<byte[]> queue = context.queue();
        byte[] big = new byte[5 * 1024 * 1024 + 123];
        new java.util.Random(42).nextBytes(big);
        int expectedHash = Arrays.hashCode(big);
        WorkerProcess producer = context.process(() -> {
            byte[] mine = new byte[5 * 1024 * 1024 + 123];
            new java.util.Random(42).nextBytes(mine);
            queue.put(mine);
            queue.put(new byte[] {9});
        }).start();
        byte[] back = queue.take();
        assertThat(back).hasSize(big.length);
        assertThat(Arrays.hashCode(back)).isEqualTo(expectedHash);
        assertThat(queue.take()).containsExactly(9);
        producer.join();
    }

    @Test
    void aNonSerializableElementFailsInTheCallerAndNothingIsPut() {
        SharedQueue<Object> queue = context.queue();
        assertThatThrownBy(() -> queue.put(new NotSerializable()))
                .isInstanceOf(NotSerializableTaskException.class)
                .hasMessageContaining("NotSerializable");
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.size()).isZero();
        assertThatThrownBy(() -> queue.put(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closeWakesABlockedTakerWithAClearError() throws Exception {
        SharedQueue<Integer> queue = context.queue();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        startTaker(queue, outcome);
        queue.close();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(queue.isClosed()).isTrue();
        assertThatThrownBy(() -> queue.put(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void collectionMethodsThatCannotWorkAcrossProcessesSaySo() {
        SharedQueue<Integer> queue = context.queue();
        assertThatThrownBy(queue::peek).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("poll()");
        assertThatThrownBy(queue::iterator).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> queue.contains(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(queue::toArray).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> context.queue(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void drainToTakesWhatIsThere() throws Exception {
        SharedQueue<Integer> queue = context.queue();
        for (int i = 0; i < 10; i++) {
            queue.add(i);
        }
        List<Integer> into = new ArrayList<>();
        assertThat(queue.drainTo(into, 4)).isEqualTo(4);
        assertThat(queue.drainTo(into)).isEqualTo(6);
        assertThat(into).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void joiningAProducerThatDidNotWaitForConsumersNeverDeadlocks() throws Exception {
        SharedQueue<String> queue = context.queue();
        WorkerProcess producer = context.process(() -> {
            for (int i = 0; i < 2000; i++) {
                queue.put("item " + i);
            }
        }).start();
        producer.join(); // Python's documented deadlock: join before draining
        assertThat(producer.exitCode()).hasValue(0);
        assertThat(queue.size()).isEqualTo(2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(queue.take()).isEqualTo("item " + i);
        }
    }

    @Test
    void manyProducersAndConsumersAccountForEveryElementOnce() throws Exception {
        SharedQueue<Integer> work = context.queue(64);
        SharedQueue<Integer> done = context.queue();
        int producers = 3;
        int perProducer = 400;
        List<WorkerProcess> workers = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            workers.add(context.process(() -> {
                for (int i = 0; i < perProducer; i++) {
                    work.put(base + i);
                }
            }).start());
        }
        for (int c = 0; c < 2; c++) {
            workers.add(context.process(() -> {
                while (true) {
                    int item = work.take();
                    if (item < 0) {
                        return; // poison pill
                    }
                    done.put(item);
                }
            }).start());
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < producers * perProducer; i++) {
            assertThat(seen.add(done.take())).isTrue();
        }
        work.put(-1);
        work.put(-1);
        for (WorkerProcess w : workers) {
            w.join();
            assertThat(w.exitCode()).hasValue(0);
        }
        assertThat(seen).hasSize(producers * perProducer);
        assertThat(done.poll()).isNull();
    }

    @Test
    void aJoinableQueueJoinsOnceEveryTaskIsDone() throws Exception {
        JoinableQueue<Integer> queue = context.joinableQueue();
        SharedQueue<Integer> results = context.queue();
        for (int i = 1; i <= 20; i++) {
            queue.put(i);
        }
        assertThat(queue.join(Duration.ofMillis(20))).isFalse();
        WorkerProcess consumer = context.process(() -> {
            while (true) {
                int item = queue.take();
                results.put(item * item);
                queue.taskDone();
            }
        }).daemon(true).start();
        assertThat(queue.join(Duration.ofSeconds(30))).isTrue();
        assertThat(queue.unfinishedTasks()).isZero();
        int sum = 0;
        for (int i = 0; i < 20; i++) {
            sum += results.take();
        }
        assertThat(sum).isEqualTo(2870);
        assertThatThrownBy(queue::taskDone).isInstanceOf(IllegalStateException.class).hasMessageContaining("taskDone");
        consumer.kill();
        consumer.join();
    }

    @Test
    void aDuplexPipeCarriesObjectsAndRawBytesBothWays() throws Exception {
        Pipe<String> pipe = context.pipe();
        Connection<String> here = pipe.first();
        Connection<String> there = pipe.second();
        WorkerProcess echo = context.process(() -> {
            there.send("pong: " + there.recv());
            byte[] raw = there.recvBytes();
            there.sendBytes(new byte[] {raw[0], (byte) (raw[1] + 1)});
        }).start();
        here.send("ping");
        assertThat(here.recv(Duration.ofSeconds(30))).isEqualTo("pong: ping");
        here.sendBytes(new byte[] {5, 6, 7}, 0, 2);
        assertThat(here.recvBytes()).containsExactly(5, 7);
        echo.join();
        assertThat(echo.exitCode()).hasValue(0);
        assertThat(here.poll(Duration.ZERO)).isFalse();
        assertThatThrownBy(() -> here.recv(Duration.ofMillis(20))).isInstanceOf(TimeoutException.class);
    }

    @Test
    void aOneWayPipeSendsFromSecondToFirstOnly() throws Exception {
        Pipe<Integer> pipe = context.pipe(false);
        assertThat(pipe.first().readable()).isTrue();
        assertThat(pipe.first().writable()).isFalse();
        assertThatThrownBy(() -> pipe.first().send(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only receives");
        assertThatThrownBy(() -> pipe.second().recv()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only sends");
        pipe.second().send(42);
        assertThat(pipe.first().poll(Duration.ofSeconds(10))).isTrue();
        assertThat(pipe.first().recv()).isEqualTo(42);
    }

    @Test
    void recvAfterTheOtherEndClosedFailsOnceDrained() throws Exception {
        Pipe<Integer> pipe = context.pipe();
        pipe.second().send(1);
        pipe.second().close();
        assertThatThrownBy(() -> pipe.first().recv()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void waitAnyReturnsWhatIsReady() throws Exception {
        Pipe<String> pipe = context.pipe();
        SharedQueue<Integer> queue = context.queue();
        assertThat(Connection.waitAny(List.of(pipe.first(), queue), Duration.ofMillis(20))).isEmpty();
        WorkerProcess sender = context.process(() -> pipe.second().send("hi")).start();
        List<Object> ready = Connection.waitAny(List.of(pipe.first(), queue), Duration.ofSeconds(30));
        assertThat(ready).containsExactly(pipe.first());
        sender.join();
        assertThat(Connection.waitAny(List.of(queue, sender), Duration.ofSeconds(10))).containsExactly(sender);
        assertThatThrownBy(() -> Connection.waitAny(List.of("not waitable"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: Connection");
    }
}
