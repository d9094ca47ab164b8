package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.internal.codec.Codecs;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.context.CurrentProcess;
import io.github.multiprocessing4j.internal.os.Linux;
import io.github.multiprocessing4j.internal.pool.PoolServer;
import io.github.multiprocessing4j.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of every worker JVM.
 *
 * <p>Arguments: {@code <hub socket> <token> <parent pid> <worker name> <parent name>}. The worker
 * first makes sure it dies with its parent: {@code PR_SET_PDEATHSIG} = SIGKILL, armed by
 * {@code setpriv} before exec when the system has it, else by this JVM through FFM; either way it
 * then checks that its parent is still the one that started it. The system property
 * {@code multiprocessing4j.deathSignal} says which ({@code setpriv}, {@code ffm}, or {@code off},
 * which tests use to prove the socket watch works alone). It connects to the parent's hub socket, installs the
 * exit-status reporter and sends its hello. The parent's first frame says what to do: run one
 * target ({@link Frames#RUN}) or serve a pool. From then on a daemon thread reads the socket; end of
 * stream means the parent died, and the worker halts at once.
 *
 * <p>With the single argument {@code --aot-train} it instead runs the AOT training workload and
 * exits (see {@link AotCache}); such a JVM has no parent to talk to.
 */
public final class WorkerMain {

    /** Exit status of a worker whose parent died. */
    static final int PARENT_GONE = 70;
    /** Exit status for bad arguments. */
    static final int USAGE = 64;
    /** The only argument of an AOT training JVM, which runs without a parent to talk to. */
    static final String TRAIN_ARGUMENT = "--aot-train";
    /** How long a training JVM may run before it gives up. */
    static final long TRAINING_LIMIT_SECONDS = 300;

    private WorkerMain() {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(TRAIN_ARGUMENT)) {
            train();
            return;
        }
        if (args.length != 5) {
            System.err.println("multiprocessing4j worker: expected <hub> <token> <parent pid> <name> <parent name>, got "
                    + args.length + " arguments; this class is started by the library, not by hand");
            System.exit(USAGE);
        }
        Linux.prepareFutexInBackground(); // shared-memory waits need it; bind it while this thread connects
        long parentPid = Long.parseLong(args[2]);
        String name = args[3];
        String deathSignal = System.getProperty(WorkerCommand.DEATH_SIGNAL, "ffm");
        if (deathSignal.equals("setpriv") && Linux.parentPid() != parentPid) {
            Runtime.getRuntime().halt(PARENT_GONE); // armed by setpriv, but the parent died before that
        } else if (deathSignal.equals("ffm")) {
            // Off the critical path: binding prctl through FFM costs tens of milliseconds in a fresh
            // JVM. Until it is set, the socket watch covers the parent's death.
            Thread arming = new Thread(() -> {
                if (Linux.setParentDeathSignal(9) && Linux.parentPid() != parentPid) {
                    Runtime.getRuntime().halt(PARENT_GONE); // the parent died before the prctl
                }
            }, "mp4j-death-signal");
            arming.setDaemon(true);
            arming.start();
        }
        ControlChannel control;
        try {
            SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(args[0]));
            control = new ControlChannel(socket);
            byte[] token = args[1].getBytes(StandardCharsets.US_ASCII);
            control.send(Frames.HELLO, ByteBuffer.allocate(8 + token.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(ProcessHandle.current().pid()).put(token).array());
            // after the hello, so its cost overlaps the parent's reply; before any target runs
            ExitReporter.install(control);
        } catch (IOException e) {
            System.err.println("multiprocessing4j worker '" + name + "': cannot reach the parent at " + args[0] + ": " + e);
            Runtime.getRuntime().halt(PARENT_GONE);
            return;
        }
        CurrentProcess.enterWorkerJvm(name, parentPid, args[4]);
        ControlChannel.Frame first;
        try {
            first = control.receive();
        } catch (IOException e) {
            first = null;
        }
        if (first == null) {
            Runtime.getRuntime().halt(PARENT_GONE);
            return;
        }
        switch (first.type()) {
            case Frames.RUN -> {
                watchParent(control);
                runTarget(control, first.payload(), name);
            }
            case Frames.POOL -> {
                watchParent(control);
                PoolServer.serve(first.payload(), name);
            }
            default -> {
                System.err.println("multiprocessing4j worker '" + name + "': unknown first frame " + first.type());
                System.exit(USAGE);
            }
        }
    }

    /**
     * The AOT training run ({@link AotCache}): the training workload, then a normal exit, upon
     * which the JVM writes the cache. A watchdog halts a training that hangs.
     */
    private static void train() {
        Thread.ofPlatform().daemon().name("mp4j-aot-watchdog").start(() -> {
            try {
                Thread.sleep(java.time.Duration.ofSeconds(TRAINING_LIMIT_SECONDS));
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        });
        AotTraining.run();
        System.out.flush();
        System.exit(0);
    }

    /**
     * Reads the control socket until end of stream, then halts: the parent is gone. When this JVM
     * exits on its own, a shutdown hook closes the socket first. Why: HotSpot waits up to about
     * 300 ms at exit for threads that are in native code, and a thread blocked in a socket read is;
     * closing the socket brings the watcher back to Java at once.
     */
    static void watchParent(ControlChannel control) {
        AtomicBoolean exiting = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            try {
                while (control.receive() != null) {
                    // no frames are expected after the first; ignore any
                }
            } catch (IOException e) {
                // treated as end of stream
            }
            if (!exiting.get()) {
                Runtime.getRuntime().halt(PARENT_GONE);
            }
        }, "mp4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exiting.set(true);
            try {
                control.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, "mp4j-close-control"));
    }

    private static void runTarget(ControlChannel control, byte[] payload, String name) {
        Codec codec = null;
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            codec = Codecs.byName(in.readUTF());
            int offset = payload.length - in.available();
            SerializableRunnable target = (SerializableRunnable) codec.decode(payload, offset, payload.length - offset);
            target.run();
        } catch (Throwable failure) {
            reportFailure(control, codec == null ? Codecs.byName("jdk") : codec, name, failure);
            System.exit(1);
        }
        System.out.flush();
        // returning lets the JVM wait for the target's non-daemon threads, then exit with 0
    }

    private static void reportFailure(ControlChannel control, Codec codec, String name, Throwable failure) {
        // as Python prints "Process Process-1:" and the traceback in the child
        System.err.println("Process " + name + ":");
        failure.printStackTrace();
        System.err.flush();
        try {
            control.send(Frames.FAILED, RemoteThrowables.encode(codec, failure));
        } catch (IOException | RuntimeException e) {
            // the parent is gone or the report cannot be built; the exit code still says 1
        }
    }
}
