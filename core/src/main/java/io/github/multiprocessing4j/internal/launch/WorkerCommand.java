package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.ProcessOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line of a worker JVM: the parent's JDK, class path and module path, the
 * options' heap, flags and system properties, AOT cache flags, then {@link WorkerMain}.
 */
final class WorkerCommand {

    static final String MAIN_CLASS = WorkerMain.class.getName();

    /** The worker system property that says how the parent-death signal is armed. */
    static final String DEATH_SIGNAL = "multiprocessing4j.deathSignal";

    /** util-linux's setpriv, if installed: it arms PR_SET_PDEATHSIG before exec, at no cost to the JVM. */
    private static final Path SETPRIV = java.util.stream.Stream.of("/usr/bin/setpriv", "/bin/setpriv")
            .map(Path::of).filter(java.nio.file.Files::isExecutable).findFirst().orElse(null);
    static final String MODULE = WorkerMain.class.getModule().getName();

    private WorkerCommand() {
    }

    /** The java launcher of the running JDK. */
    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Whether the library runs as a named module (module path) rather than from the class path. */
    static boolean onModulePath() {
        return WorkerMain.class.getModule().isNamed();
    }

    /**
     * The JVM options of a worker, without the main class and its arguments. These determine the
     * AOT cache, so {@link AotCache} keys on them.
     */
    static List<String> jvmOptions(ProcessOptions options) {
        List<String> command = new ArrayList<>();
        if (!options.systemProperties().containsKey(DEATH_SIGNAL)) {
            command.add("-D" + DEATH_SIGNAL + "=" + (SETPRIV != null ? "setpriv" : "ffm"));
        }
        command.add("--enable-native-access=" + (onModulePath() ? MODULE : "ALL-UNNAMED"));
        command.add("-Dstdout.encoding=UTF-8");
        command.add("-Dstderr.encoding=UTF-8");
        if (options.codec().equals("fory")) {
            // Fory 1.6 reads static fields through sun.misc.Unsafe; without this every worker warns on stderr
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        options.maxHeap().ifPresent(size -> command.add("-Xmx" + size));
        command.addAll(options.jvmFlags());
        for (Map.Entry<String, String> property : options.systemProperties().entrySet()) {
            command.add("-D" + property.getKey() + "=" + property.getValue());
        }
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty()) {
            command.add("-cp");
            command.add(classPath);
        }
        if (onModulePath()) {
            command.add("--module-path");
            command.add(System.getProperty("jdk.module.path", ""));
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
        }
        return command;
    }

    /** The full command: java, the AOT flags, the options, the main class and its arguments. */
    static List<String> build(List<String> jvmOptions, List<String> aotFlags, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (jvmOptions.contains("-D" + DEATH_SIGNAL + "=setpriv")) {
            // The kernel sends SIGKILL to the worker when our launcher thread (its creator) ends. The
            // same prctl through FFM would cost the worker ~70 ms of CPU to bind at start.
            command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
        }
        command.addAll(buildUntied(jvmOptions, aotFlags, arguments));
        return command;
    }

    /**
     * The command without the death-signal wrapper: a JVM that outlives its parent (the AOT
     * training, which must finish its cache after a short-lived parent has exited).
     */
    static List<String> buildUntied(List<String> jvmOptions, List<String> aotFlags, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(aotFlags);
        command.addAll(jvmOptions);
        if (onModulePath()) {
            command.add("--module");
            command.add(MODULE + "/" + MAIN_CLASS);
        } else {
            command.add(MAIN_CLASS);
        }
        command.addAll(arguments);
        return command;
    }
}
