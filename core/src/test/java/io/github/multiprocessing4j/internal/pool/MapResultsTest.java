package io.github.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.spi.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Map results kept unboxed while they are packed numbers, and boxed once another type arrives. */
class MapResultsTest {

    @Test
    void packedIntsStayUnboxedAndTheListBoxesOnRead() {
        MapResults results = new MapResults(5);
        results.putPacked(0, new int[] {1, 2}, 2);
        results.put(2, new Object[] {3}, 1); // a unit of one arrives boxed: stored unboxed
        results.putPacked(3, new int[] {4, 5}, 2);
        List<Object> list = results.list();
        assertThat(list).isInstanceOf(MapResults.PackedList.class).containsExactly(1, 2, 3, 4, 5);
        assertThat(list).isEqualTo(List.of(1, 2, 3, 4, 5)).hasSameHashCodeAs(List.of(1, 2, 3, 4, 5));
        assertThatThrownBy(() -> list.set(0, 9)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(9)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anotherTypeTurnsTheStoreIntoObjectsAndKeepsWhatWasThere() {
        MapResults results = new MapResults(7);
        results.putPacked(0, new long[] {10L, 11L}, 2);
        results.put(2, new Object[] {"twelve", null}, 2);
        results.putPacked(4, new int[] {13, 14}, 2);
        results.putPacked(6, new double[] {1.5}, 1);
        assertThat(results.list()).containsExactly(10L, 11L, "twelve", null, 13, 14, 1.5);
    }

    @Test
    void objectsFirstBoxLaterPackedBlocks() {
        MapResults results = new MapResults(3);
        results.put(0, new Object[] {"a"}, 1);
        results.putPacked(1, new double[] {2.0, 3.0}, 2);
        assertThat(results.list()).containsExactly("a", 2.0, 3.0);
        assertThat(new MapResults(0).list()).isEmpty();
    }

    @Test
    void aBlockOfTheWrongLengthOrPlaceIsRejectedAndStoresNothing() {
        MapResults results = new MapResults(3);
        assertThatThrownBy(() -> results.putPacked(0, new int[] {1, 2}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 results for a unit of 3");
        assertThatThrownBy(() -> results.putPacked(2, new int[] {1, 2}, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> results.putPacked(0, new Object[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a packed block");
        results.putPacked(0, new int[] {7, 8, 9}, 3);
        assertThat(results.list()).containsExactly(7, 8, 9);
    }

    @Test
    void packedLongsAndDoublesComeBackAsTheirBoxes() {
        MapResults longs = new MapResults(2);
        longs.putPacked(0, new long[] {1L << 40, -3L}, 2);
        assertThat(longs.list()).isInstanceOf(MapResults.PackedList.class).containsExactly(1L << 40, -3L);
        assertThat(longs.list().get(0)).isInstanceOf(Long.class);
        MapResults doubles = new MapResults(3);
        doubles.putPacked(0, new double[] {0.5, Double.NaN}, 2);
        doubles.put(2, new Object[] {-0.0}, 1);
        assertThat(doubles.list()).isInstanceOf(MapResults.PackedList.class).containsExactly(0.5, Double.NaN, -0.0);
        assertThat(doubles.list().get(2)).isInstanceOf(Double.class);
    }

    @Test
    void aCorruptBlockCountFailsBeforeAnythingIsAllocated() {
        for (byte type : new byte[] {Wire.BLOCK_INTS, Wire.BLOCK_LONGS, Wire.BLOCK_VALUES}) {
            for (int count : new int[] {-1, Integer.MAX_VALUE, 1 << 30, 3}) {
                Bytes frame = new Bytes(16);
                frame.write(type);
                frame.writeInt(count);
                frame.writeInt(7); // 4 bytes: room for one int, not for three ints, three values or a billion
                int end = frame.size();
                assertThatThrownBy(() -> new Wire.Reader(frame.array(), 0, end, null).readBlockPacked())
                        .as("type %d count %d", type, count).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("corrupt pool frame");
                assertThatThrownBy(() -> new Wire.Reader(frame.array(), 0, end, null).readBlock())
                        .as("type %d count %d", type, count).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("corrupt pool frame");
            }
        }
        Bytes unknown = new Bytes(16);
        unknown.write((byte) 9);
        unknown.writeInt(0);
        assertThatThrownBy(() -> new Wire.Reader(unknown.array(), 0, unknown.size(), null).readBlockPacked())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("block type 9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "fory"})
    void aPackedListSerializesAsAPlainCopy(String codecName) throws Exception {
        MapResults results = new MapResults(3);
        results.putPacked(0, new int[] {1, 2, 3}, 3);
        Codec codec = Codecs.byName(codecName);
        Bytes out = new Bytes(64);
        codec.encode(results.list(), out);
        Object copy = codec.decode(out.array(), 0, out.size());
        assertThat(copy).isNotInstanceOf(MapResults.PackedList.class).isEqualTo(List.of(1, 2, 3));
    }

    @RepeatedTest(5)
    void unitsStoredFromTwoThreadsAllLand() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int size = 20_000;
        MapResults results = new MapResults(size);
        List<int[]> units = new ArrayList<>(); // {index, count, boxed?}
        for (int index = 0; index < size;) {
            int count = Math.min(size - index, 1 + random.nextInt(300));
            units.add(new int[] {index, count, random.nextInt(4) == 0 ? 1 : 0});
            index += count;
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int parity = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int u = parity; u < units.size(); u += 2) {
                    int[] unit = units.get(u);
                    int[] values = IntStream.range(unit[0], unit[0] + unit[1]).map(i -> i * 3).toArray();
                    if (unit[2] == 1) {
                        results.put(unit[0], IntStream.of(values).boxed().toArray(), unit[1]);
                    } else {
                        results.putPacked(unit[0], values, unit[1]);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(results.list()).as("seed " + seed).isEqualTo(IntStream.range(0, size).map(i -> i * 3).boxed().toList());
    }
}
