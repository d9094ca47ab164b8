package io.github.multiprocessing4j.internal.util;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library's own threads. Futures and callbacks complete on {@link #events()}, never on the
 * common pool; timeouts run on {@link #scheduler()}.
 */
public final class Threads {

    private static final ExecutorService EVENTS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mp4j-event-", 0).factory());

    private static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "mp4j-scheduler");
        thread.setDaemon(true);
        return thread;
    });

    static {
        SCHEDULER.setRemoveOnCancelPolicy(true);
        SCHEDULER.setKeepAliveTime(30, TimeUnit.SECONDS);
        SCHEDULER.allowCoreThreadTimeOut(true);
    }

    private Threads() {
    }

    /**
     * Runs callbacks and completes futures: one virtual thread per task, so a slow callback
     * delays nothing else.
     *
     * @return the executor
     */
    public static Executor events() {
        return EVENTS;
    }

    /**
     * Runs timeouts; tasks must be short.
     *
     * @return the scheduler
     */
    public static ScheduledExecutorService scheduler() {
        return SCHEDULER;
    }

    /**
     * Starts a platform daemon thread.
     *
     * @param name the thread name
     * @param body what it runs
     * @return the started thread
     */
    public static Thread startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Starts a virtual thread.
     *
     * @param name the thread name
     * @param body what it runs
     * @return the started thread
     */
    public static Thread startVirtual(String name, Runnable body) {
        return Thread.ofVirtual().name(name).start(body);
    }
}
