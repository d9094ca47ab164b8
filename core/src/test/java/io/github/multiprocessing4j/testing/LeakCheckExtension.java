package io.github.multiprocessing4j.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.PreInterruptCallback;
import org.junit.jupiter.api.extension.PreInterruptContext;

/**
 * Fails a test that leaves child processes or shared-memory files behind, and prints the stacks of
 * worker JVMs when a test times out.
 *
 * <p>Registered for every test through {@code META-INF/services} (extension autodetection). After
 * each test, children of this JVM that did not exist before the test, and files in
 * {@code /dev/shm} owned by this JVM that did not exist before it, are leaks: they are removed or
 * killed so later tests start clean, and the test fails with their description. Children get a
 * short grace period to finish exiting. After each test class the same check runs against
 * everything, so class-level fixtures are covered too.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, PreInterruptCallback {

    /** How long children may take to finish exiting after a test. */
    static final Duration EXIT_GRACE = Duration.ofSeconds(10);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("children", childPids());
        context.getStore(NAMESPACE).put("files", sharedFiles());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("children", childPids());
        context.getStore(NAMESPACE).put("files", sharedFiles());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context);
    }

    @SuppressWarnings("unchecked")
    private static void check(ExtensionContext context) {
        Set<Long> childrenBefore = (Set<Long>) context.getStore(NAMESPACE).get("children", Set.class);
        Set<String> filesBefore = (Set<String>) context.getStore(NAMESPACE).get("files", Set.class);
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
        List<ProcessHandle> leaked = newChildren(childrenBefore);
        while (!leaked.isEmpty() && System.nanoTime() < deadline) {
            ProcessHandle first = leaked.getFirst();
            try {
                first.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                break;
            }
            leaked = newChildren(childrenBefore);
        }
        for (ProcessHandle child : leaked) {
            problems.add("child process left running: pid " + child.pid() + " "
                    + child.info().commandLine().orElse("?"));
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        Set<String> files = sharedFiles();
        files.removeAll(filesBefore);
        for (String file : files) {
            problems.add("shared-memory file left behind: " + file);
            try {
                Files.deleteIfExists(shmDirectory().resolve(file));
            } catch (IOException e) {
                // reported anyway
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("leak check failed for " + context.getDisplayName() + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static List<ProcessHandle> newChildren(Set<Long> before) {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> !before.contains(child.pid()))
                .collect(Collectors.toList());
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Path shmDirectory() {
        return Path.of(System.getProperty("multiprocessing4j.shm.dir", "/dev/shm"));
    }

    /** Files in the shared-memory directory that this JVM owns (their name carries our pid). */
    static Set<String> sharedFiles() {
        Set<String> files = new TreeSet<>();
        String mine = "multiprocessing4j-" + ProcessHandle.current().pid() + "-";
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(shmDirectory(), mine + "*")) {
            for (Path file : stream) {
                files.add(file.getFileName().toString());
            }
        } catch (IOException e) {
            // no shared-memory directory: nothing can leak there
        }
        return files;
    }

    @Override
    public void beforeThreadInterrupt(PreInterruptContext preInterruptContext, ExtensionContext context) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        ProcessHandle.current().descendants().forEach(child -> {
            System.err.println("=== stacks of child pid " + child.pid() + " " + child.info().commandLine().orElse("?"));
            try {
                Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "Thread.print")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
                if (!dump.waitFor(10, TimeUnit.SECONDS)) {
                    dump.destroyForcibly().waitFor();
                }
            } catch (IOException | InterruptedException e) {
                System.err.println("cannot dump: " + e);
            }
        });
    }
}
