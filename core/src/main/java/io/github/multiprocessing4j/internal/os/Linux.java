package io.github.multiprocessing4j.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls the library needs, bound through the Foreign Function and Memory
 * API: {@code futex} for kernel-backed blocking on shared memory and {@code prctl(PR_SET_PDEATHSIG)}
 * so a worker dies with its parent.
 *
 * <p>Each call is bound lazily in its own holder class: generating a downcall stub costs tens of
 * milliseconds in a fresh JVM, and a worker that never blocks on shared memory should not pay for
 * {@code futex}. When the platform is not Linux on x86-64 or aarch64, or native access is denied,
 * {@link #AVAILABLE} is false and callers use their fallbacks.
 *
 * <p>This is the only class that calls restricted FFM methods, hence the one
 * {@code @SuppressWarnings("restricted")} in the code base.
 */
@SuppressWarnings("restricted")
public final class Linux {

    private static final java.util.concurrent.atomic.AtomicBoolean FUTEX_PREPARED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Whether this is a Linux platform whose system call numbers we know. */
    public static final boolean AVAILABLE;

    /** {@code errno} value for a timed-out wait. */
    public static final int ETIMEDOUT = 110;
    /** {@code errno} value when the futex word did not hold the expected value. */
    public static final int EAGAIN = 11;
    /** {@code errno} value for a wait interrupted by a signal. */
    public static final int EINTR = 4;

    private static final long SYS_FUTEX;
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    private static final int PR_SET_PDEATHSIG = 1;

    static {
        long sysFutex = -1;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            sysFutex = switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> 202;
                case "aarch64", "arm64" -> 98;
                default -> -1;
            };
        }
        SYS_FUTEX = sysFutex;
        AVAILABLE = sysFutex > 0;
    }

    private Linux() {
    }

    /** {@code long syscall(long number, ...)} with errno capture, for futex. */
    private static final class Futex {
        static final MethodHandle SYSCALL;
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        /** Per-thread scratch memory: the captured errno, then a struct timespec. */
        static final ThreadLocal<MemorySegment> SCRATCH =
                ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Math.max(CAPTURE.byteSize(), 16) + 16, 16));

        static {
            Linker linker = Linker.nativeLinker();
            // every variadic argument is passed as a long, which is what the kernel reads from each register
            SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        }
    }

    /** {@code int prctl(int option, ...)}. */
    private static final class Prctl {
        static final MethodHandle PRCTL;

        static {
            Linker linker = Linker.nativeLinker();
            PRCTL = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
        }
    }

    /**
     * Sleeps in the kernel while the 32-bit word at {@code address} holds {@code expected}.
     *
     * @param address the native address of a 4-byte aligned word in shared memory
     * @param expected the value the word must hold for the thread to sleep
     * @param timeoutNanos the maximum time to sleep, or a negative value to sleep until woken
     * @return 0 when woken (or spuriously), else the errno: {@link #EAGAIN} if the word did not hold
     *     {@code expected}, {@link #ETIMEDOUT}, or {@link #EINTR}
     */
    public static int futexWait(long address, int expected, long timeoutNanos) {
        MemorySegment scratch = Futex.SCRATCH.get();
        MemorySegment capture = scratch.asSlice(0, Futex.CAPTURE.byteSize());
        long timespec = 0;
        if (timeoutNanos >= 0) {
            MemorySegment ts = scratch.asSlice(scratch.byteSize() - 16, 16);
            ts.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            timespec = ts.address();
        }
        try {
            long result = (long) Futex.SYSCALL.invokeExact(capture, SYS_FUTEX, address, FUTEX_WAIT,
                    (long) expected, timespec, 0L, 0L);
            return result == 0 ? 0 : (int) Futex.ERRNO.get(capture, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /**
     * Wakes up to {@code count} threads, in any process, sleeping on the word at {@code address}.
     *
     * @param address the native address of the word
     * @param count how many sleepers to wake at most
     * @return the number of sleepers woken
     */
    public static int futexWake(long address, int count) {
        MemorySegment capture = Futex.SCRATCH.get().asSlice(0, Futex.CAPTURE.byteSize());
        try {
            long result = (long) Futex.SYSCALL.invokeExact(capture, SYS_FUTEX, address, FUTEX_WAKE, (long) count,
                    0L, 0L, 0L);
            return (int) Math.max(result, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }

    /**
     * Binds the futex call now and makes one harmless call through it, so the first real wait or
     * wake does not pay for it: in a fresh JVM the binding costs tens of milliseconds, even with
     * an AOT cache. Workers run this on a background thread as they start.
     */
    public static void prepareFutex() {
        if (AVAILABLE) {
            MemorySegment word = Futex.SCRATCH.get();
            futexWake(word.address(), 1); // a private word nobody sleeps on: wakes nothing
        }
    }

    /**
     * Runs {@link #prepareFutex()} once per JVM on a daemon thread. Workers call it as they start,
     * contexts when they are created: measured in a fresh parent JVM, a queue's first wait took
     * about 200 ms with the binding and 25 ms without.
     */
    public static void prepareFutexInBackground() {
        if (AVAILABLE && FUTEX_PREPARED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("mp4j-futex-bind").start(Linux::prepareFutex);
        }
    }

    /**
     * Asks the kernel to send {@code signal} to this process when the thread that created it ends,
     * which for a worker JVM is the parent's long-lived launcher thread.
     *
     * @param signal the signal number, for example 9
     * @return {@code true} if the kernel accepted it
     */
    public static boolean setParentDeathSignal(int signal) {
        if (!AVAILABLE) {
            return false;
        }
        try {
            return (int) Prctl.PRCTL.invokeExact(PR_SET_PDEATHSIG, (long) signal) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * The parent process id as the kernel sees it now (1 or a subreaper once the parent died).
     *
     * @return the parent pid, or -1 when unknown
     */
    public static long parentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    }
}
