package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedBarrier;
import io.github.multiprocessing4j.SharedLock;
import io.github.multiprocessing4j.SharedLong;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The 2020 talk's lost-update race: two workers each add 1 to a shared counter 200,000 times (at size
 * 1). Without a lock ({@code v.set(v.get() + 1)}) updates are lost; with the value's lock, or with an
 * atomic add, none are. On threads, virtual threads and processes, with CPython's {@code Value} beside.
 */
public final class RaceDemo implements Demo {

    static final int WORKERS = 2;

    /** How the workers increment. */
    enum Mode {
        NO_LOCK("no lock: set(get() + 1)", "value.spawn.nolock"),
        LOCK("with the value's lock", "value.spawn.lock"),
        ATOMIC("atomic incrementAndGet()", null);

        final String label;
        final String python;

        Mode(String label, String python) {
            this.label = label;
            this.python = python;
        }
    }

    @Override
    public String name() {
        return "race";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 3 + (settings.python().isPresent() ? 1 : 0);
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        int n = settings.scaled(200_000, 1_000);
        long expected = (long) WORKERS * n;
        Map<String, Double> python = Map.of();
        if (settings.python().isPresent()) {
            settings.progress().step("CPython value");
            python = settings.python().get().run(Map.of("PYB_VALUE_N", Integer.toString(n)), "value", "spawn");
        }
        List<Row> rows = new ArrayList<>();
        record Backend(String label, java.util.function.Supplier<Context> context) {
        }
        List<Backend> backends = List.of(new Backend("threads", Multiprocessing::threads),
                new Backend("virtual threads", Multiprocessing::virtualThreads),
                new Backend("processes", Multiprocessing::processes));
        List<List<Row>> byMode = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            byMode.add(new ArrayList<>());
        }
        for (Backend backend : backends) {
            settings.progress().step(backend.label());
            try (Context context = backend.context().get()) {
                for (Mode mode : Mode.values()) {
                    Outcome outcome = race(context, mode, n);
                    String check;
                    if (mode == Mode.NO_LOCK) {
                        // lost updates can take the count far down, but never to zero or past the total
                        if (outcome.total() > expected || outcome.total() < 1) {
                            throw new DemoCheckException("unlocked counter ended at " + outcome.total()
                                    + ", outside [1, " + expected + "]");
                        }
                        check = String.format(Locale.ROOT, "%,d of %,d: %.1f%% lost", outcome.total(), expected,
                                100.0 * (expected - outcome.total()) / expected);
                    } else {
                        DemoCheckException.expectEqual("counter " + mode.label + " on " + backend.label(), expected,
                                outcome.total());
                        check = String.format(Locale.ROOT, "%,d ok", outcome.total());
                    }
                    Row row = Row.of(mode.label, backend.label(), WORKERS, outcome.seconds(), check);
                    if (mode.python != null && backend.label().equals("processes")) {
                        OptionalDouble rate = Python.figure(python, mode.python);
                        row = row.withPython(rate.isPresent() ? OptionalDouble.of(expected / rate.getAsDouble())
                                : OptionalDouble.empty());
                    }
                    byMode.get(mode.ordinal()).add(row);
                }
            }
        }
        byMode.forEach(rows::addAll);
        List<String> notes = new ArrayList<>();
        notes.add("Times run from the moment both workers pass a barrier to the last one's end; process start is "
                + "not counted.");
        OptionalDouble lost = Python.figure(python, "value.spawn.nolock.lost_pct");
        if (lost.isPresent()) {
            notes.add(String.format(Locale.ROOT, "CPython's unlocked Value (v.value += 1, two processes) lost %.1f%% "
                    + "of its updates in this run; its figures sit on the processes rows.", lost.getAsDouble()));
        }
        rows.stream().filter(r -> r.workload().equals(Mode.NO_LOCK.label) && r.backend().equals("virtual threads")
                && r.check().startsWith(String.format(Locale.ROOT, "%,d of", expected))).findFirst()
                .ifPresent(r -> notes.add("The virtual threads lost nothing in this run: a virtual thread that never "
                        + "blocks keeps its carrier until it ends, so the two ran one after the other. Luck, not "
                        + "safety: give them a blocking call and they interleave."));
        notes.add("Lost updates are the point of the first rows: a read, then a write, with another worker in "
                + "between. The lock or an atomic add makes every update count.");
        return new DemoResult(name(), WORKERS + " workers x " + String.format("%,d", n)
                + " increments of one shared counter, without and with a lock (2020 talk)", rows, notes);
    }

    /** The final count and the time from the start barrier to the last worker's end. */
    record Outcome(long total, double seconds) {
    }

    static Outcome race(Context context, Mode mode, int n) throws Exception {
        try (SharedLong counter = context.sharedLong(0); SharedBarrier start = context.barrier(WORKERS + 1);
                SharedQueue<Long> ends = context.queue()) {
            List<WorkerProcess> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(context.process(() -> increment(counter, mode, n, start, ends)).name("racer-" + i).start());
            }
            start.await(Duration.ofMinutes(2));
            long begin = System.nanoTime();
            long last = begin;
            for (int i = 0; i < WORKERS; i++) {
                Long end = Answers.next(ends, workers, Duration.ofMinutes(5), "racer's end time");
                last = Math.max(last, end);
            }
            for (WorkerProcess worker : workers) {
                worker.join();
                if (worker.failure().isPresent()) {
                    throw new IllegalStateException(worker.name() + " failed", worker.failure().get());
                }
                worker.close();
            }
            return new Outcome(counter.get(), (last - begin) / 1e9);
        }
    }

    private static void increment(SharedLong counter, Mode mode, int n, SharedBarrier start, SharedQueue<Long> ends) {
        try {
            start.await(Duration.ofMinutes(2));
            SharedLock lock = counter.lock();
            for (int i = 0; i < n; i++) {
                switch (mode) {
                    case NO_LOCK -> counter.set(counter.get() + 1);
                    case LOCK -> {
                        lock.lock();
                        try {
                            counter.set(counter.get() + 1);
                        } finally {
                            lock.unlock();
                        }
                    }
                    case ATOMIC -> counter.incrementAndGet();
                }
            }
            ends.put(System.nanoTime());
        } catch (Exception e) {
            throw new IllegalStateException("racer failed", e);
        }
    }
}
