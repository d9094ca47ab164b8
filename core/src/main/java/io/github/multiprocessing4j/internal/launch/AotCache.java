package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.OutputSink;
import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.internal.util.Threads;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The JDK AOT cache (JEP 483, created in one step as JEP 514 allows) that makes worker JVMs start
 * faster.
 *
 * <p>A cache is specific to the JDK, the class path and the JVM options, so its file name is a
 * SHA-256 of all three (each class path entry by path, size and modification time): a changed
 * class path gets a new cache. When a worker is launched and its cache exists, the worker gets
 * {@code -XX:AOTCache=...}. When it does not, the worker starts without one and, once per key, a
 * training worker runs in the background with {@code -XX:AOTCacheOutput=...}: a real worker,
 * started exactly as the others, that runs {@link AotTraining} and exits, upon which the JVM writes
 * the cache. It is written to a temporary name and moved into place when complete, under a file
 * lock so that concurrent JVMs train once.
 *
 * <p>The JDK only archives classes from jar files, so a class path with non-empty directories
 * (a build's {@code target/classes}) gets no cache. A missing, stale or corrupt cache only slows a
 * start: the JVM then runs without it, and {@code -Xlog:aot=off,cds=off} keeps it quiet about
 * that. The newest {@link #KEPT_CACHES} caches are kept; older ones are deleted.
 */
public final class AotCache {

    static final int KEPT_CACHES = 8;
    private static final long TRAINING_TIMEOUT_SECONDS = 300;

    private static final Map<List<String>, String> KEYS = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> TRAINING = new ConcurrentHashMap<>();

    private AotCache() {
    }

    /** The directory caches live in. */
    static Path directory() {
        String configured = System.getProperty("multiprocessing4j.aot.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("multiprocessing4j").resolve("aot");
    }

    /**
     * The AOT flags for a worker with these JVM options: the cache if it exists, else none (and a
     * background training is started when the class path allows a cache).
     */
    static List<String> flagsFor(List<String> jvmOptions, ProcessOptions options) {
        if (!options.aotCache() || !eligible()) {
            return List.of();
        }
        String key = KEYS.computeIfAbsent(jvmOptions, AotCache::key);
        Path cache = directory().resolve(key + ".aot");
        if (Files.isRegularFile(cache)) {
            return usingCache(cache);
        }
        if (TRAINING.putIfAbsent(key, Boolean.TRUE) == null) {
            Threads.startVirtual("mp4j-aot-training", () -> {
                try {
                    train(key, jvmOptions, cache);
                } finally {
                    TRAINING.remove(key);
                }
            });
        }
        return List.of();
    }

    /**
     * Makes sure the cache for workers started with {@code options} exists, training now if needed.
     * For tools (the bench, deployment scripts) that want the cache before the first real worker.
     *
     * @param options the worker options
     * @return the cache file, or empty when the class path does not allow one or training failed
     */
    public static java.util.Optional<Path> ensure(ProcessOptions options) {
        List<String> jvmOptions = WorkerCommand.jvmOptions(options);
        if (!eligible()) {
            return java.util.Optional.empty();
        }
        String key = KEYS.computeIfAbsent(jvmOptions, AotCache::key);
        Path cache = directory().resolve(key + ".aot");
        if (!Files.isRegularFile(cache)) {
            train(key, jvmOptions, cache);
        }
        return Files.isRegularFile(cache) ? java.util.Optional.of(cache) : java.util.Optional.empty();
    }

    static List<String> usingCache(Path cache) {
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    /** Whether every class path and module path entry is a jar (or an empty or missing directory). */
    static boolean eligible() {
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                        if (children.iterator().hasNext()) {
                            return false;
                        }
                    } catch (IOException e) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** SHA-256 over the JDK, the options and every class path entry's identity. */
    static String key(List<String> jvmOptions) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, System.getProperty("java.home"));
            update(digest, System.getProperty("java.vm.version"));
            for (String option : jvmOptions) {
                update(digest, option);
            }
            for (String property : List.of("java.class.path", "jdk.module.path")) {
                for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                    if (entry.isEmpty()) {
                        continue;
                    }
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                        update(digest, entry + ":" + attributes.size() + ":" + attributes.lastModifiedTime().toMillis());
                    } catch (IOException e) {
                        update(digest, entry + ":missing");
                    }
                }
            }
            return "worker-" + HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static void update(MessageDigest digest, String value) {
        digest.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** Runs one training worker and moves its cache into place. */
    private static void train(String key, List<String> jvmOptions, Path cache) {
        Path dir = directory();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            return; // no cache directory: workers simply start without a cache
        }
        Path lockFile = dir.resolve(key + ".lock");
        Path temporary = dir.resolve(key + "." + ProcessHandle.current().pid() + ".tmp");
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.tryLock()) {
            if (lock == null || Files.isRegularFile(cache)) {
                return; // another JVM is training, or finished meanwhile
            }
            Files.deleteIfExists(temporary);
            ProcessOptions quiet = ProcessOptions.builder().output(OutputSink.discard()).aotCache(false).build();
            try (Hub hub = new Hub()) {
                WorkerJvm trainer = WorkerJvm.launch(hub, "aot-training", jvmOptions,
                        List.of("-XX:AOTCacheOutput=" + temporary, "-Xlog:aot=off", "-Xlog:cds=off"), quiet,
                        (jvm, frame) -> { });
                trainer.sendWhenReady(Frames.TRAIN, new byte[0]);
                WorkerJvm done = trainer.exited().get(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (done.exitCode() == 0 && Files.size(temporary) > 0) {
                    try {
                        Files.move(temporary, cache, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temporary, cache, StandardCopyOption.REPLACE_EXISTING);
                    }
                    prune(dir);
                }
            }
        } catch (Exception e) {
            // training is an optimisation: any failure leaves workers starting without a cache
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // left for the next prune
            }
        }
    }

    /** Keeps the newest caches, deleting older ones and stray temporary files. */
    static void prune(Path dir) {
        List<Path> caches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "worker-*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".aot")) {
                    caches.add(file);
                } else if (!name.endsWith(".lock") && olderThanOneDay(file)) {
                    Files.deleteIfExists(file); // a trainer killed with its parent left this
                }
            }
            caches.sort(Comparator.comparing(AotCache::modified).reversed());
            for (Path old : caches.subList(Math.min(KEPT_CACHES, caches.size()), caches.size())) {
                Files.deleteIfExists(old);
                Files.deleteIfExists(dir.resolve(old.getFileName().toString().replace(".aot", ".lock")));
            }
        } catch (IOException | RuntimeException e) {
            // pruning is best effort
        }
    }

    private static boolean olderThanOneDay(Path file) {
        return modified(file) < System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
