package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.SerializableRunnable;
import java.util.OptionalLong;

/**
 * A {@link io.github.multiprocessing4j.WorkerProcess} that runs its target on a platform or
 * virtual thread of this JVM, as Python's {@code multiprocessing.dummy}. The target is not copied.
 * A thread cannot be stopped from outside, so terminate and kill interrupt it.
 */
final class ThreadWorker extends AbstractWorker {

    private final ThreadContext context;
    private final SerializableRunnable target;
    private volatile Thread thread;

    ThreadWorker(ThreadContext context, SerializableRunnable target) {
        this.context = context;
        this.target = target;
    }

    @Override
    void doStart(String name, boolean daemon) {
        Thread created = context.newThread(name, daemon, this::body);
        this.thread = created;
        context.register(this);
        created.start();
    }

    private void body() {
        CurrentProcess.bindThread(this);
        int code = 0;
        Throwable failure = null;
        try {
            target.run();
        } catch (Throwable t) {
            code = 1;
            failure = t;
            // as Python prints "Process Process-1:" and the traceback
            System.err.println("Process " + name() + ":");
            t.printStackTrace();
        } finally {
            CurrentProcess.bindThread(null);
        }
        exited(code, failure);
    }

    @Override
    boolean contextClosed() {
        return context.isClosed();
    }

    @Override
    public void terminate() {
        Thread running = thread;
        if (running != null && isAlive()) {
            running.interrupt();
        }
    }

    @Override
    public void kill() {
        terminate();
    }

    @Override
    public OptionalLong pid() {
        return isStarted() ? OptionalLong.of(ProcessHandle.current().pid()) : OptionalLong.empty();
    }
}
