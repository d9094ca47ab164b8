package io.github.multiprocessing4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ProcessPool} runs: how many workers, what each runs first, when a worker is retired,
 * and the pool-wide task deadline. Immutable and thread-safe; build with {@link #builder()}:
 *
 * <pre>{@code
 * PoolOptions options = PoolOptions.builder()
 *         .workers(4)
 *         .initializer(() -> NativeLib.load())
 *         .maxTasksPerWorker(1_000)
 *         .taskTimeout(Duration.ofMinutes(1))
 *         .build();
 * try (ProcessPool pool = ctx.pool(options)) { ... }
 * }</pre>
 */
public final class PoolOptions {

    private final int workers;
    private final SerializableRunnable initializer;
    private final long maxTasksPerWorker;
    private final Duration taskTimeout;
    private final String name;

    private PoolOptions(Builder builder) {
        this.workers = builder.workers;
        this.initializer = builder.initializer;
        this.maxTasksPerWorker = builder.maxTasksPerWorker;
        this.taskTimeout = builder.taskTimeout;
        this.name = builder.name;
    }

    /**
     * Options with {@code workers} workers and every other setting at its default.
     *
     * @param workers the number of workers, at least 1
     * @return the options
     * @throws IllegalArgumentException if {@code workers} is less than 1
     */
    public static PoolOptions ofWorkers(int workers) {
        return builder().workers(workers).build();
    }

    /**
     * A builder with the defaults: {@link Multiprocessing#cpuCount()} workers, no initializer, no
     * retirement, no timeout, the name {@code "pool"}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of workers.
     *
     * @return at least 1
     */
    public int workers() {
        return workers;
    }

    /**
     * What each worker runs once before its first task, Python's {@code initializer}.
     *
     * @return the initializer, if any
     */
    public Optional<SerializableRunnable> initializer() {
        return Optional.ofNullable(initializer);
    }

    /**
     * After how many tasks a worker is retired and replaced, Python's {@code maxtasksperchild};
     * 0 means never.
     *
     * @return the limit, 0 for none
     */
    public long maxTasksPerWorker() {
        return maxTasksPerWorker;
    }

    /**
     * The deadline of every task, measured from when it starts running in a worker.
     *
     * @return the timeout, if any
     */
    public Optional<Duration> taskTimeout() {
        return Optional.ofNullable(taskTimeout);
    }

    /**
     * The pool's name, the prefix of its workers' names ({@code pool-worker-1}, ...).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "PoolOptions[workers=" + workers + ", initializer=" + (initializer != null)
                + ", maxTasksPerWorker=" + maxTasksPerWorker + ", taskTimeout=" + taskTimeout + ", name=" + name + "]";
    }

    /** Builds {@link PoolOptions}. Not thread-safe. */
    public static final class Builder {

        private int workers = Multiprocessing.cpuCount();
        private SerializableRunnable initializer;
        private long maxTasksPerWorker;
        private Duration taskTimeout;
        private String name = "pool";

        private Builder() {
        }

        /**
         * Sets the number of workers.
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workers: " + count + " (expected: at least 1)");
            }
            this.workers = count;
            return this;
        }

        /**
         * Sets what each worker runs once before its first task. If it throws, the worker ends and
         * is replaced; after three workers in a row fail to start, the pool fails its queued tasks
         * with that error and rejects new ones.
         *
         * @param task the initializer, or {@code null} for none
         * @return this builder
         */
        public Builder initializer(SerializableRunnable task) {
            this.initializer = task;
            return this;
        }

        /**
         * Retires a worker after it has run {@code limit} tasks (an item of a {@code map} counts
         * as one), replacing it with a fresh one; 0 means never.
         *
         * @param limit 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is negative
         */
        public Builder maxTasksPerWorker(long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("maxTasksPerWorker: " + limit + " (expected: 0 for no limit, or more)");
            }
            this.maxTasksPerWorker = limit;
            return this;
        }

        /**
         * Sets the deadline of every task, from when it starts running; a task past it fails with
         * {@link TaskTimeoutException} and its worker is killed and replaced. Per-call timeouts
         * override it.
         *
         * @param timeout a positive duration, or {@code null} for none
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new IllegalArgumentException("taskTimeout: " + timeout + " (expected: a positive duration)");
            }
            this.taskTimeout = timeout;
            return this;
        }

        /**
         * Sets the pool's name, the prefix of its workers' names.
         *
         * @param poolName a non-blank name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder name(String poolName) {
            Objects.requireNonNull(poolName, "name");
            if (poolName.isBlank()) {
                throw new IllegalArgumentException("name: \"" + poolName + "\" (expected: a non-blank name)");
            }
            this.name = poolName;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public PoolOptions build() {
            return new PoolOptions(this);
        }
    }
}
