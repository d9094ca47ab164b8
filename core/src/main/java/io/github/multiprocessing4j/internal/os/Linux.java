package io.github.multiprocessing4j.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls the library needs, bound through the Foreign Function and Memory
 * API: {@code futex} for kernel-backed blocking on shared memory, {@code prctl(PR_SET_PDEATHSIG)}
 * so a worker dies with its parent, and {@code getppid}.
 *
 * <p>Binding happens once, in this class's initializer. When the platform is not Linux on x86-64
 * or aarch64, or native access is denied, {@link #AVAILABLE} is false and callers use their
 * fallbacks (timed parking instead of futex waits, EOF-only parent watching).
 *
 * <p>This is the only class that calls restricted FFM methods, hence the one
 * {@code @SuppressWarnings("restricted")} in the code base.
 */
@SuppressWarnings("restricted")
public final class Linux {

    /** Whether the bindings below are usable. */
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

    private static final MethodHandle SYSCALL;
    private static final MethodHandle PRCTL;
    private static final MethodHandle GETPPID;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;

    /** Per-thread scratch memory: the captured errno followed by a struct timespec. */
    private static final ThreadLocal<MemorySegment> SCRATCH;

    static {
        boolean available = false;
        long sysFutex = -1;
        MethodHandle syscall = null;
        MethodHandle prctl = null;
        MethodHandle getppid = null;
        StructLayout captureLayout = null;
        VarHandle errno = null;
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (os.startsWith("Linux")) {
            sysFutex = switch (arch) {
                case "amd64", "x86_64" -> 202;
                case "aarch64", "arm64" -> 98;
                default -> -1;
            };
        }
        if (sysFutex > 0) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                captureLayout = Linker.Option.captureStateLayout();
                errno = captureLayout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
                // long syscall(long number, ...): every variadic argument is passed as a long, which
                // is what the kernel reads from each register.
                syscall = linker.downcallHandle(libc.find("syscall").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
                prctl = linker.downcallHandle(libc.find("prctl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1));
                getppid = linker.downcallHandle(libc.find("getppid").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT));
                available = true;
            } catch (RuntimeException | LinkageError e) {
                available = false;
            }
        }
        AVAILABLE = available;
        SYS_FUTEX = sysFutex;
        SYSCALL = syscall;
        PRCTL = prctl;
        GETPPID = getppid;
        CAPTURE_LAYOUT = captureLayout;
        ERRNO = errno;
        long scratchSize = available ? Math.max(CAPTURE_LAYOUT.byteSize(), 16) + 16 : 0;
        SCRATCH = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(scratchSize, 16));
    }

    private Linux() {
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
        MemorySegment scratch = SCRATCH.get();
        MemorySegment capture = scratch.asSlice(0, CAPTURE_LAYOUT.byteSize());
        long timespec = 0;
        if (timeoutNanos >= 0) {
            MemorySegment ts = scratch.asSlice(scratch.byteSize() - 16, 16);
            ts.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            timespec = ts.address();
        }
        try {
            long result = (long) SYSCALL.invokeExact(capture, SYS_FUTEX, address, FUTEX_WAIT,
                    (long) expected, timespec, 0L, 0L);
            return result == 0 ? 0 : (int) ERRNO.get(capture, 0L);
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
        MemorySegment capture = SCRATCH.get().asSlice(0, CAPTURE_LAYOUT.byteSize());
        try {
            long result = (long) SYSCALL.invokeExact(capture, SYS_FUTEX, address, FUTEX_WAKE, (long) count, 0L, 0L, 0L);
            return (int) Math.max(result, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
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
            return (int) PRCTL.invokeExact(PR_SET_PDEATHSIG, (long) signal) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * The parent process id as the kernel sees it now (1 or a subreaper once the parent died).
     *
     * @return the parent pid, or -1 when unavailable
     */
    public static long parentPid() {
        if (!AVAILABLE) {
            return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        }
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }
}
