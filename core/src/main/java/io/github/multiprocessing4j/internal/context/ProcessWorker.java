package io.github.multiprocessing4j.internal.context;

import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.WorkerCrashedException;
import io.github.multiprocessing4j.internal.codec.Bytes;
import io.github.multiprocessing4j.internal.codec.RemoteThrowables;
import io.github.multiprocessing4j.internal.codec.TaskEncoding;
import io.github.multiprocessing4j.internal.launch.ControlChannel;
import io.github.multiprocessing4j.internal.launch.Frames;
import io.github.multiprocessing4j.internal.launch.WorkerJvm;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * A {@link io.github.multiprocessing4j.WorkerProcess} that runs its target in a worker JVM: the
 * target is encoded in the caller's thread at start, sent once the worker's handshake arrives, and
 * the worker reports a failure before exiting with 1.
 */
final class ProcessWorker extends AbstractWorker implements WorkerJvm.Listener {

    private final ProcessContext context;
    private final SerializableRunnable target;
    private volatile WorkerJvm jvm;

    ProcessWorker(ProcessContext context, SerializableRunnable target) {
        this.context = context;
        this.target = target;
    }

    @Override
    void doStart(String name, boolean daemon) {
        Bytes payload = new Bytes(512);
        try (DataOutputStream out = new DataOutputStream(payload)) {
            out.writeUTF(context.codec().name());
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: Bytes does not fail", e);
        }
        TaskEncoding.encodeInto(context.codec(), target, "target", payload);
        WorkerJvm launched = context.launch(name, this);
        this.jvm = launched;
        context.register(this);
        launched.sendWhenReady(Frames.RUN, payload.toByteArray());
        launched.exited().thenAccept(ended -> {
            if (!ended.handshakeDone() && failure().isEmpty()) {
                failed(new WorkerCrashedException(name, ended.pid(), ended.exitCode(), ended.lastStderrLines()));
            }
            exited(ended.exitCode(), null);
        });
    }

    @Override
    public void onFrame(WorkerJvm worker, ControlChannel.Frame frame) {
        if (frame.type() == Frames.FAILED) {
            failed(RemoteThrowables.decode(context.codec(), frame.payload()));
        }
    }

    @Override
    boolean contextClosed() {
        return context.isClosed();
    }

    @Override
    public void terminate() {
        WorkerJvm worker = jvm;
        if (worker != null && isAlive()) {
            worker.terminate();
        }
    }

    @Override
    public void kill() {
        WorkerJvm worker = jvm;
        if (worker != null && isAlive()) {
            worker.kill();
        }
    }

    @Override
    public OptionalLong pid() {
        WorkerJvm worker = jvm;
        return worker == null ? OptionalLong.empty() : OptionalLong.of(worker.pid());
    }
}
