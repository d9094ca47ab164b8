package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.internal.context.CurrentProcess;
import io.github.multiprocessing4j.internal.util.Threads;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parent's handle on one launched worker JVM: its process, its control channel, its output
 * pumps and its exit.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   launch ──► launched ──hello──► ready ──...──► process exit ──► (control EOF, output EOF) ──► exited
 *                 └────────── process exit before hello ───────────────────────────────────────► exited
 * </pre>
 * {@link #ready()} completes when the worker's hello arrives (or exceptionally when it dies first
 * or misses the start timeout). {@link #exited()} completes once the process has ended and its
 * control channel and output have been drained (each bounded by {@link #DRAIN_MILLIS}, since a
 * grandchild may hold the pipes open), so that everything the worker wrote is seen before anyone
 * is told it ended. Exit is detected by the JDK's process reaper, not by timeouts.
 *
 * <h2>Exit codes</h2>
 * The JVM reports its {@code Runtime.exit} status itself ({@link ExitReporter}); when it does, that
 * status wins and an exit from the JVM's signal handler becomes minus the signal. Otherwise an exit
 * value {@code 128 + n} (the JDK's encoding of death by signal {@code n}) becomes {@code -n}.
 */
public final class WorkerJvm {

    /** Receives the frames a worker sends, on the worker's control-reader thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Handles one frame.
         *
         * @param jvm the worker
         * @param frame the frame
         */
        void onFrame(WorkerJvm jvm, ControlChannel.Frame frame);
    }

    static final long DRAIN_MILLIS = 2_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String token;
    private final Listener listener;
    private final CompletableFuture<Process> launched = new CompletableFuture<>();
    private final CompletableFuture<ControlChannel> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> controlEnded = new CompletableFuture<>();
    private final CompletableFuture<WorkerJvm> exited = new CompletableFuture<>();
    private volatile Process process;
    private volatile OutputPump stdout;
    private volatile OutputPump stderr;
    private volatile ScheduledFuture<?> startDeadline;
    private volatile boolean reported;
    private volatile int reportedStatus;
    private volatile boolean reportedSignal;
    private volatile int exitCode;

    private WorkerJvm(String name, Listener listener) {
        this.name = name;
        this.listener = listener;
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
    }

    /**
     * Launches a worker JVM that will connect to {@code hub}.
     *
     * @param hub the hub of the owning context
     * @param name the worker's name
     * @param options how to start it
     * @param listener receives the worker's frames
     * @return the handle; the process is started, the handshake may still be pending
     * @throws java.io.UncheckedIOException if the JVM cannot be started
     */
    public static WorkerJvm launch(Hub hub, String name, ProcessOptions options, Listener listener) {
        List<String> jvmOptions = WorkerCommand.jvmOptions(options);
        return launch(hub, name, jvmOptions, AotCache.flagsFor(jvmOptions, options), options, listener);
    }

    /** Launches with explicit JVM options and AOT flags (the AOT trainer uses this). */
    static WorkerJvm launch(Hub hub, String name, List<String> jvmOptions, List<String> aotFlags,
            ProcessOptions options, Listener listener) {
        WorkerJvm jvm = new WorkerJvm(name, listener);
        List<String> command = WorkerCommand.build(jvmOptions, aotFlags,
                List.of(hub.path().toString(), jvm.token, Long.toString(ProcessHandle.current().pid()), name,
                        CurrentProcess.current().name()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(options.environment());
        options.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        hub.expect(jvm.token, jvm);
        Process process;
        try {
            process = Launcher.start(builder);
        } catch (RuntimeException e) {
            hub.forget(jvm.token);
            throw e;
        }
        jvm.process = process;
        jvm.stdout = new OutputPump(process.getInputStream(), name, OutputSink.Stream.STDOUT, options.output()).start();
        jvm.stderr = new OutputPump(process.getErrorStream(), name, OutputSink.Stream.STDERR, options.output()).start();
        jvm.startDeadline = Threads.scheduler().schedule(() -> {
            if (jvm.ready.completeExceptionally(new IllegalStateException("worker '" + name
                    + "' did not start within " + options.startTimeout()))) {
                hub.forget(jvm.token);
                process.toHandle().destroyForcibly();
            }
        }, options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        jvm.launched.complete(process);
        // not Process.onExit(): it completes through the common pool, and a program whose tasks
        // block that pool (one worker on 2 cores) would never see its workers end
        Thread.ofVirtual().name("mp4j-reap-" + name).start(() -> {
            awaitExit(process);
            jvm.finish();
        });
        return jvm;
    }

    private static void awaitExit(Process process) {
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by the hub when this worker's hello arrives. */
    void attach(ControlChannel control, long helloPid) {
        Process p = launched.join();
        if (p.pid() != helloPid || !ready.complete(control)) {
            closeQuietly(control);
            return;
        }
        ScheduledFuture<?> deadline = startDeadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        // a platform thread: a virtual thread's blocking socket read parks the JDK's poller in
        // epoll_wait, which delays every later exit of this JVM by HotSpot's 300 ms native wait
        Threads.startDaemon("mp4j-control-" + name, () -> readLoop(control));
    }

    private void readLoop(ControlChannel control) {
        try {
            ControlChannel.Frame frame;
            while ((frame = control.receive()) != null) {
                if (frame.type() == Frames.EXITING && frame.payload().length == 5) {
                    ByteBuffer payload = ByteBuffer.wrap(frame.payload()).order(ByteOrder.LITTLE_ENDIAN);
                    reportedStatus = payload.getInt();
                    reportedSignal = payload.get() != 0;
                    reported = true;
                } else {
                    try {
                        listener.onFrame(this, frame);
                    } catch (RuntimeException e) {
                        System.err.println("multiprocessing4j: handling a frame from worker '" + name + "' failed: " + e);
                    }
                }
            }
        } catch (IOException e) {
            // treated as end of stream: the worker is gone
        } finally {
            controlEnded.complete(null);
        }
    }

    private void finish() {
        ready.completeExceptionally(new IllegalStateException("worker '" + name + "' exited before its handshake"));
        CompletableFuture<?> control = ready.isCompletedExceptionally() ? CompletableFuture.completedFuture(null)
                : controlEnded;
        try {
            CompletableFuture.allOf(control, stdout.done(), stderr.done()).get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // a grandchild holds a pipe open, or the worker never connected: go on with what we have
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exitCode = decodeExit(process.exitValue(), reported, reportedStatus, reportedSignal);
        if (!ready.isCompletedExceptionally()) {
            closeQuietly(ready.join());
        }
        exited.complete(this);
    }

    /**
     * Turns what is known of a worker's end into a Python-style exit code.
     *
     * @param exitValue the value {@link Process#exitValue()} returned
     * @param reported whether the worker reported a {@code Runtime.exit} status
     * @param status the reported status
     * @param bySignal whether the report came from the JVM's signal handler
     * @return the exit code, negative for a signal
     */
    static int decodeExit(int exitValue, boolean reported, int status, boolean bySignal) {
        if (reported && exitValue == status) {
            return bySignal && status > 128 ? -(status - 128) : status;
        }
        if (exitValue > 128 && exitValue <= 128 + 64) {
            return -(exitValue - 128);
        }
        return exitValue;
    }

    private static void closeQuietly(ControlChannel control) {
        try {
            control.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /**
     * Sends a frame once the worker is ready; a worker that died first makes this a no-op.
     *
     * @param type the frame type
     * @param payload the payload
     */
    public void sendWhenReady(byte type, byte[] payload) {
        ready.thenAccept(control -> {
            try {
                control.send(type, payload);
            } catch (IOException e) {
                // the worker is gone; its exit is reported through exited()
            }
        });
    }

    /**
     * Completed with the control channel when the worker's handshake arrives.
     *
     * @return the future
     */
    public CompletableFuture<ControlChannel> ready() {
        return ready;
    }

    /**
     * Completed when the worker has ended and its output has been forwarded.
     *
     * @return the future
     */
    public CompletableFuture<WorkerJvm> exited() {
        return exited;
    }

    /**
     * The exit code; valid once {@link #exited()} is complete.
     *
     * @return the exit code, negative for a signal
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Whether the handshake completed before the worker ended.
     *
     * @return {@code true} if the worker started properly
     */
    public boolean handshakeDone() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /**
     * The worker's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    String token() {
        return token;
    }

    /**
     * The worker's pid.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The last lines the worker wrote to standard error.
     *
     * @return oldest first
     */
    public List<String> lastStderrLines() {
        OutputPump pump = stderr;
        return pump == null ? List.of() : pump.lastLines();
    }

    /**
     * Sends SIGTERM. Through the process handle, not {@link Process#destroy()}, which would also
     * close our end of the worker's output pipes and lose what its shutdown hooks print.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGKILL, keeping the output pipes open so what the worker wrote is still read. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    /**
     * Whether the process is running.
     *
     * @return {@code true} until the process ends
     */
    public boolean isAlive() {
        return process.isAlive();
    }
}
