package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queues survive the death of the processes using them: SIGKILL a producer in the middle of puts
 * and a consumer in the middle of takes, then account for every message.
 */
class ProcessQueueFailureTest {

    private Context context;

    @BeforeEach
    void open() {
        context = Multiprocessing.processes(ProcessOptions.builder().output(OutputSink.discard()).build());
    }

    @AfterEach
    void close() {
        context.close();
    }

    /** Message {@code index}: its index, then bytes derived from it; sizes span one to four records. */
    static byte[] message(int index) {
        int size = 8 + new Random(index).nextInt(900_000);
        byte[] bytes = new byte[size];
        ByteBuffer.wrap(bytes).putInt(index).putInt(size);
        for (int i = 8; i < size; i++) {
            bytes[i] = (byte) (index * 31 + i);
        }
        return bytes;
    }

    static int checkIntact(byte[] bytes) {
        ByteBuffer header = ByteBuffer.wrap(bytes);
        int index = header.getInt();
        assertThat(bytes.length).as("length of message %d", index).isEqualTo(header.getInt());
        for (int i = 8; i < bytes.length; i++) {
            if (bytes[i] != (byte) (index * 31 + i)) {
                throw new AssertionError("message " + index + " is torn at byte " + i);
            }
        }
        return index;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    void aProducerKilledMidPutNeverTearsOrLosesAMessageWhosePutReturned(int seed) throws Exception {
        SharedQueue<byte[]> queue = context.queue(4);
        SharedQueue<Integer> returned = context.queue();
        WorkerProcess producer = context.process(() -> {
            for (int i = 0; ; i++) {
                queue.put(message(i));
                returned.put(i); // this put returned
            }
        }).start();
        int before = 5 + new Random(seed).nextInt(20);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < before; i++) {
            got.add(checkIntact(queue.take()));
        }
        producer.kill(); // SIGKILL, most likely inside a put (the queue is full or being written)
        producer.join();
        byte[] next;
        while ((next = queue.poll(300, TimeUnit.MILLISECONDS)) != null) {
            got.add(checkIntact(next));
        }
        // in order, no gaps, no duplicates: at most the put in progress is missing
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
        int confirmed = -1;
        Integer r;
        while ((r = returned.poll()) != null) {
            confirmed = r;
        }
        assertThat(got.size() - 1).as("every message whose put returned arrived").isGreaterThanOrEqualTo(confirmed);
        // the queue still works: a new producer takes over the lock the dead one may have held
        WorkerProcess second = context.process(() -> queue.put(message(1_000_000))).start();
        assertThat(checkIntact(queue.poll(30, TimeUnit.SECONDS))).isEqualTo(1_000_000);
        second.join();
        assertThat(second.exitCode()).hasValue(0);
    }

    @Test
    void aConsumerKilledMidTakeLosesAtMostTheMessageItWasTaking() throws Exception {
        SharedQueue<byte[]> work = context.queue();
        SharedQueue<Integer> done = context.queue();
        int total = 60;
        WorkerProcess consumer = context.process(() -> {
            while (true) {
                done.put(checkIntact(work.take()));
            }
        }).start();
        for (int i = 0; i < total; i++) {
            work.put(message(i));
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 15; i++) {
            assertThat(seen.add(done.take())).isTrue();
        }
        consumer.kill();
        consumer.join();
        Integer d;
        while ((d = done.poll()) != null) {
            assertThat(seen.add(d)).isTrue();
        }
        byte[] next;
        while ((next = work.poll(300, TimeUnit.MILLISECONDS)) != null) {
            assertThat(seen.add(checkIntact(next))).as("no message twice").isTrue();
        }
        assertThat(total - seen.size()).as("messages lost").isBetween(0, 1);
        // a new consumer takes over
        work.put(message(77_777));
        WorkerProcess second = context.process(() -> done.put(checkIntact(work.take()))).start();
        assertThat(done.poll(30, TimeUnit.SECONDS)).isEqualTo(77_777);
        second.join();
    }
}
