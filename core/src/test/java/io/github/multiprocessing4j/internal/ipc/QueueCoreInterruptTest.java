package io.github.multiprocessing4j.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.internal.codec.Bytes;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A take interrupted while a message larger than the ring is still arriving: the message is
 * either left whole for the next take or returned whole with the interrupt kept, never cut.
 */
class QueueCoreInterruptTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void anInterruptedTakeNeverCutsAMessage(long seed) throws Exception {
        Random random = new Random(seed);
        int ring = 16 << 10;
        try (QueueCore core = QueueCore.create("test", Integer.MAX_VALUE, ring)) {
            for (int round = 0; round < 5; round++) {
                byte[] message = new byte[ring * (2 + random.nextInt(4)) + random.nextInt(1000)];
                random.nextBytes(message);
                Thread producer = Thread.ofPlatform().start(() -> {
                    try {
                        core.put((byte) 0, message, message.length, -1);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Bytes into = new Bytes(64);
                Thread.currentThread().interrupt(); // the take starts interrupted: it fails or finishes whole
                boolean taken;
                try {
                    taken = core.take(into, -1) >= 0;
                    assertThat(Thread.interrupted()).as("interrupt kept for the caller").isTrue();
                } catch (InterruptedException e) {
                    taken = false;
                }
                if (!taken) {
                    assertThat(core.take(into, 30_000_000_000L)).isGreaterThanOrEqualTo(0);
                }
                assertThat(Arrays.equals(into.array(), 0, into.size(), message, 0, message.length))
                        .as("round %d: %d bytes taken of %d", round, into.size(), message.length).isTrue();
                producer.join(30_000);
                assertThat(producer.isAlive()).isFalse();
            }
        }
    }
}
