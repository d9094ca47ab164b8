package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.WorkerProcess;
import java.util.List;
import java.util.function.Supplier;

/**
 * The first example: the same worker on every backend, then why worker JVMs matter: a worker that
 * calls {@code System.exit}, one that throws, and one that is killed do not take the parent down.
 *
 * <p>Run: {@code ./demo hello}
 */
public final class HelloWorkers {

    private HelloWorkers() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if a worker cannot be joined
     */
    public static void main(String[] args) throws Exception {
        System.out.println("== one target, three backends ==");
        List<Supplier<Context>> backends = List.of(Multiprocessing::processes, Multiprocessing::threads,
                Multiprocessing::virtualThreads);
        for (Supplier<Context> backend : backends) {
            try (Context context = backend.get()) {
                WorkerProcess p = context.process(() -> System.out.println("hello from "
                        + WorkerProcess.current().name() + " in pid " + ProcessHandle.current().pid()))
                        .name("greeter").start();
                p.join();
                System.out.printf("%-16s -> exit code %d%n", context.backend(), p.exitCode().orElseThrow());
            }
        }

        System.out.println();
        System.out.println("== isolation: each of these would end a thread-based program ==");
        try (Context context = Multiprocessing.processes()) {
            WorkerProcess quitter = context.process(() -> System.exit(3)).name("quitter").start();
            WorkerProcess thrower = context.process(() -> {
                throw new IllegalStateException("something went wrong in the worker");
            }).name("thrower").start();
            WorkerProcess sleeper = context.process(() -> Thread.sleep(60_000)).name("sleeper").start();
            quitter.join();
            thrower.join();
            sleeper.kill();
            sleeper.join();
            System.out.printf("quitter: System.exit(3)   -> exit code %d%n", quitter.exitCode().orElseThrow());
            System.out.printf("thrower: uncaught exception -> exit code %d, failure: %s%n",
                    thrower.exitCode().orElseThrow(), thrower.failure().orElseThrow());
            System.out.printf("sleeper: killed            -> exit code %d (SIGKILL)%n", sleeper.exitCode().orElseThrow());
            System.out.println("the parent (pid " + ProcessHandle.current().pid() + ") is still here");
        }
    }
}
