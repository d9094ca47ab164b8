package io.github.multiprocessing4j.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.shm.SharedRegion;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ByteRing} within one process: framing, wrap-around, streaming, close, waits. */
class ByteRingTest {

    static final int CAPACITY = 1024;

    SharedRegion region;
    ByteRing ring;

    @BeforeEach
    void create() {
        region = SharedRegion.create("test-ring", RingDescriptor.length(CAPACITY));
        ring = ByteRing.format(region.segment(), CAPACITY);
    }

    @AfterEach
    void close() {
        region.close();
    }

    static byte[] frame(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void framesOfRandomSizesArriveWholeAndInOrder(long seed) throws Exception {
        int frames = 20_000;
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            Random random = new Random(seed);
            try {
                for (int i = 0; i < frames; i++) {
                    // mostly small, sometimes larger than the whole ring
                    int length = random.nextInt(10) == 0 ? random.nextInt(4 * CAPACITY) : random.nextInt(100);
                    ring.write(frame(random, length), 0, length);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "producer").start());
        Random expected = new Random(seed);
        Bytes into = new Bytes(16);
        for (int i = 0; i < frames; i++) {
            int length = expected.nextInt(10) == 0 ? expected.nextInt(4 * CAPACITY) : expected.nextInt(100);
            byte[] want = frame(expected, length);
            assertThat(ring.read(into, TimeUnit.SECONDS.toNanos(30))).isTrue();
            assertThat(into.size()).as("frame %d", i).isEqualTo(length);
            assertThat(Arrays.equals(into.array(), 0, length, want, 0, length)).as("frame %d content", i).isTrue();
        }
        producer.get(30, TimeUnit.SECONDS);
        assertThat(ring.hasData()).isFalse();
    }

    @Test
    void aReadTimesOutWhenNothingComes() throws Exception {
        long start = System.nanoTime();
        assertThat(ring.read(new Bytes(16), TimeUnit.MILLISECONDS.toNanos(30))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
    }

    @Test
    void closingDeliversWhatWasPublishedThenEndsTheStream() throws Exception {
        ring.write(new byte[] {1, 2, 3}, 0, 3);
        ring.close();
        Bytes into = new Bytes(16);
        assertThat(ring.read(into, 0)).isTrue();
        assertThat(into.toByteArray()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> ring.read(into, -1)).isInstanceOf(RingClosedException.class);
        assertThatThrownBy(() -> ring.write(new byte[1], 0, 1)).isInstanceOf(RingClosedException.class);
    }

    @ParameterizedTest(name = "virtual: {0}")
    @ValueSource(booleans = {false, true})
    void closingWakesABlockedReader(boolean virtual) throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread reader = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
            waiting.countDown();
            try {
                ring.read(new Bytes(16), -1);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        waiting.await();
        ring.close();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(RingClosedException.class);
    }

    @ParameterizedTest(name = "virtual: {0}")
    @ValueSource(booleans = {false, true})
    void aBlockedReaderCanBeInterrupted(boolean virtual) throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread reader = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
            try {
                ring.read(new Bytes(16), -1);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        reader.interrupt();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void manyVirtualThreadsCanWaitWithoutPinningCarriers() throws Exception {
        // more waiters than carrier threads: they must park, not block their carriers
        int waiters = 4 * Runtime.getRuntime().availableProcessors() + 4;
        SharedRegion[] regions = new SharedRegion[waiters];
        ByteRing[] rings = new ByteRing[waiters];
        Thread[] threads = new Thread[waiters];
        try {
            for (int i = 0; i < waiters; i++) {
                regions[i] = SharedRegion.create("test-ring", RingDescriptor.length(64));
                rings[i] = ByteRing.format(regions[i].segment(), 64);
                ByteRing r = rings[i];
                threads[i] = Thread.ofVirtual().start(() -> {
                    try {
                        r.read(new Bytes(16), -1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            // a virtual thread can still run while all of them wait
            assertThat(CompletableFuture.supplyAsync(() -> "ran", r -> Thread.ofVirtual().start(r))
                    .get(10, TimeUnit.SECONDS)).isEqualTo("ran");
            for (ByteRing r : rings) {
                r.write(new byte[] {7}, 0, 1);
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(t.isAlive()).isFalse();
            }
        } finally {
            for (SharedRegion r : regions) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    @Test
    void anotherLayoutIsRejected() {
        region.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, RingDescriptor.VERSION_OFFSET, 99);
        assertThatThrownBy(() -> ByteRing.open(region.segment())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 99");
        assertThatThrownBy(() -> ByteRing.format(region.segment(), 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity: 1000 (expected: a power of two, at least 64)");
    }
}
