package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.JoinableQueue;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SharedQueue;
import io.github.multiprocessing4j.WorkerProcess;
import io.github.multiprocessing4j.bench.Primes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The talks' producer/consumer: 2 producers put work items on a {@link JoinableQueue}, N consumers
 * take them, compute, answer on a result queue and call {@code taskDone()}; the main program
 * {@code join()}s the queue, then sends one poison pill per consumer. The same code runs on threads,
 * virtual threads and processes, through {@link Context}. Every item must be answered exactly once
 * with the right value.
 */
public final class ProducerConsumerDemo implements Demo {

    static final int PILL = -1;
    static final int PRODUCERS = 2;

    @Override
    public String name() {
        return "producer-consumer";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 4;
    }

    /**
     * The work for item i: a sum of primes below a bound between 5,000 and 25,000.
     *
     * @param item the item
     * @return its bound
     */
    static int bound(int item) {
        return 5_000 + (int) ((item * 7919L) % 20_000);
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        int items = settings.scaled(2000, 20);
        int consumers = settings.workers();
        String workload = items + " items, " + PRODUCERS + " producers";
        List<Row> rows = new ArrayList<>();
        settings.progress().step("serial");
        Timed<long[]> serial = Timed.of(() -> {
            long[] sums = new long[items];
            for (int i = 0; i < items; i++) {
                sums[i] = Primes.sumPrimes(bound(i));
            }
            return sums;
        });
        long[] expected = new long[items];
        for (int i = 0; i < items; i++) {
            expected[i] = Workloads.sievePrimeSum(bound(i));
        }
        rows.add(Row.of(workload, "serial, no queue", 1, serial.seconds(), check(expected, serial.value())));
        record Backend(String label, java.util.function.Supplier<Context> context) {
        }
        for (Backend backend : List.of(new Backend("threads", Multiprocessing::threads),
                new Backend("virtual threads", Multiprocessing::virtualThreads),
                new Backend("processes", Multiprocessing::processes))) {
            settings.progress().step(backend.label());
            try (Context context = backend.context().get()) {
                Timed<long[]> run = Timed.of(() -> run(context, items, consumers));
                rows.add(Row.of(workload, backend.label() + ", " + consumers + " consumers", consumers,
                        run.seconds(), check(expected, run.value())));
            }
        }
        return new DemoResult(name(), items + " work items (sum of primes below 5,000..25,000) from "
                + PRODUCERS + " producers to " + consumers + " consumers over a JoinableQueue, ended by poison pills",
                rows, List.of("One program, three backends: producers and consumers are ctx.process(..) "
                        + "targets and the queues come from the same Context.",
                        "Process rows include starting " + (PRODUCERS + consumers) + " worker JVMs; every item is "
                        + "serialized through shared memory both ways.",
                        "No CPython peer: ../shared/bench/python has no producer/consumer workload."));
    }

    /**
     * Runs producers and consumers on a context.
     *
     * @param context the backend
     * @param items how many items
     * @param consumers how many consumers
     * @return each item's answer, by item
     * @throws Exception if a worker fails
     */
    static long[] run(Context context, int items, int consumers) throws Exception {
        try (JoinableQueue<Integer> work = context.joinableQueue(256); SharedQueue<long[]> results = context.queue()) {
            List<WorkerProcess> workers = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                workers.add(context.process(() -> consume(work, results)).name("consumer-" + c).start());
            }
            List<WorkerProcess> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int first = p;
                producers.add(context.process(() -> produce(work, first, items)).name("producer-" + p).start());
            }
            List<WorkerProcess> everyone = new ArrayList<>(workers);
            everyone.addAll(producers);
            long[] answers = new long[items];
            boolean[] seen = new boolean[items];
            for (int i = 0; i < items; i++) {
                long[] answer = Answers.next(results, everyone, Duration.ofMinutes(5), "answer");
                int item = (int) answer[0];
                if (seen[item]) {
                    throw new DemoCheckException("item " + item + " was answered twice");
                }
                seen[item] = true;
                answers[item] = answer[1];
            }
            for (WorkerProcess producer : producers) {
                producer.join();
                requireClean(producer);
            }
            if (!work.join(Duration.ofMinutes(1))) {
                throw new IllegalStateException("JoinableQueue.join() timed out with every answer in");
            }
            for (int c = 0; c < consumers; c++) {
                work.put(PILL);
            }
            for (WorkerProcess worker : workers) {
                worker.join();
                requireClean(worker);
            }
            for (WorkerProcess worker : workers) {
                worker.close();
            }
            for (WorkerProcess producer : producers) {
                producer.close();
            }
            return answers;
        }
    }

    private static void requireClean(WorkerProcess process) {
        if (process.failure().isPresent()) {
            throw new IllegalStateException(process.name() + " failed", process.failure().get());
        }
    }

    private static void produce(JoinableQueue<Integer> work, int first, int items) {
        try {
            for (int item = first; item < items; item += PRODUCERS) {
                work.put(item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void consume(JoinableQueue<Integer> work, SharedQueue<long[]> results) {
        try {
            while (true) {
                int item = work.take();
                try {
                    if (item == PILL) {
                        return;
                    }
                    results.put(new long[] {item, Primes.sumPrimes(bound(item))});
                } finally {
                    work.taskDone();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String check(long[] expected, long[] actual) {
        DemoCheckException.expectEqual("number of answers", expected.length, actual.length);
        long total = 0;
        for (int i = 0; i < expected.length; i++) {
            DemoCheckException.expectEqual("answer for item " + i, expected[i], actual[i]);
            total += actual[i];
        }
        return expected.length + " answers, sum " + total + " ok";
    }
}
