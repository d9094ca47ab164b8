package io.github.multiprocessing4j;

import java.io.IOException;

/** Static task bodies for the pool tests: method references to them copy to worker JVMs. */
final class PoolTasks {

    private PoolTasks() {
    }

    static Integer failOn13(Integer x) {
        if (x == 13) {
            throw new IllegalArgumentException("13 is unlucky", new IOException("root cause"));
        }
        return x;
    }

    static Integer slowSquare(Integer x) throws InterruptedException {
        Thread.sleep(20); // the workload itself: a task that takes a while
        return x * x;
    }
}
