package io.github.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How a map's items are cut into chunks: fixed sizes, or the default, which shrinks towards the end. */
class MapCallTest {

    private static List<Integer> chunks(int items, int chunkSize, int spread) {
        try (Context context = Multiprocessing.threads(); ProcessPool pool = context.pool(2)) {
            MapCall call = new MapCall((WorkerPool) pool, (Function<Object, Object>) x -> x, Wire.KIND_FUNCTION,
                    new Object[items], chunkSize, spread, null, 0);
            List<Integer> sizes = new ArrayList<>();
            while (!call.drained()) {
                int expected = call.nextSize();
                Unit unit = call.take();
                assertThat(unit.count).isEqualTo(expected);
                assertThat(unit.index).isEqualTo(sizes.stream().mapToInt(Integer::intValue).sum());
                sizes.add(unit.count);
            }
            return sizes;
        }
    }

    @Test
    void aFixedChunkSizeCutsEqualChunksAndARemainder() {
        assertThat(chunks(100, 13, 0)).containsExactly(13, 13, 13, 13, 13, 13, 13, 9);
        assertThat(chunks(5, 10, 0)).containsExactly(5);
    }

    @Test
    void theDefaultChunksStartAtPythonsSizeAndShrinkToSingleItems() {
        // 2 workers: Python's chunk size for 100 items is 13, the spread 8
        List<Integer> sizes = chunks(100, 13, 8);
        assertThat(sizes.getFirst()).isEqualTo(13);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        for (int i = 1; i < sizes.size(); i++) {
            assertThat(sizes.get(i)).as("chunk %d of %s", i, sizes).isLessThanOrEqualTo(sizes.get(i - 1));
        }
        assertThat(sizes.subList(sizes.size() - 8, sizes.size())).allMatch(size -> size == 1);
        // the 2008 talk's 38 primes tasks: the last (largest) ones are no longer five to a chunk
        List<Integer> primes = chunks(38, 5, 8);
        assertThat(primes.getFirst()).isEqualTo(5);
        assertThat(primes.getLast()).isEqualTo(1);
        assertThat(primes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(38);
    }

    @Test
    void theDefaultChunksOfManyItemsStayAtPythonsSizeUntilTheTail() {
        List<Integer> sizes = chunks(1_000_000, 31_250, 8);
        assertThat(sizes.subList(0, 20)).allMatch(size -> size == 31_250);
        // the shrinking tail adds a few dozen chunks to Python's 32
        assertThat(sizes).hasSizeLessThan(32 + 100);
    }
}
