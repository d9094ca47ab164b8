package io.github.multiprocessing4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The AOT training's pool exchange runs a real server loop to the end and answers every unit. */
class PoolTrainingTest {

    @Test
    void everyUnitOfEveryRoundIsAnswered() {
        int rounds = 7;
        long expected = 0;
        for (int r = 0; r < rounds; r++) {
            expected += 3L * r + 6; // increment over r, r+1, r+2
            expected += ("item " + r).length() + String.valueOf(r).length() + ("[" + r + "]").length() + 4;
            expected += ("training failure for " + r).length(); // the failing unit's remote message
            expected += r + 1; // the pair (r, 1)
        }
        assertThat(PoolTraining.run(rounds)).isEqualTo(expected);
    }
}
