package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.ProcessOptions;
import io.github.multiprocessing4j.internal.util.Threads;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.locks.LockSupport;

/**
 * The JDK AOT cache (JEP 483, created in one step as JEP 514 allows) that makes worker JVMs start
 * faster.
 *
 * <p>A cache is specific to the JDK, the class path and the JVM options, so its file name is a
 * SHA-256 of all three (each class path entry by path, size and modification time): a changed
 * class path gets a new cache. When a worker is launched and its cache exists, the worker gets
 * {@code -XX:AOTCache=...}. When it does not, the worker starts without one and, once per key, a
 * training JVM runs in the background with {@code -XX:AOTCacheOutput=...}: started with exactly
 * the workers' options, it runs {@link AotTraining} (including a pool served in-process) and
 * exits, upon which the JVM writes the cache. The training is a detached process that finishes
 * even when the parent exits first, so a short program leaves a cache for its next run; the cache
 * is written to a temporary name and renamed into place when complete, and a marker file makes
 * concurrent JVMs train once.
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
    private static final Map<String, Boolean> STARTED = new ConcurrentHashMap<>();
    private static final Path SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    /**
     * Runs the training JVM ("$@"); if it wrote a non-empty cache, renames it into place (atomic
     * within the directory); always removes the temporary files and the marker.
     */
    private static final String TRAINING_SCRIPT = "\"$@\" && [ -s \"$MP4J_TMP\" ] && mv -f \"$MP4J_TMP\" \"$MP4J_CACHE\";"
            + " status=$?; rm -f \"$MP4J_TMP\" \"$MP4J_TMP.config\" \"$MP4J_MARKER\"; exit $status";

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
        if (STARTED.putIfAbsent(key, Boolean.TRUE) == null) {
            // once per key in this JVM; the marker file keeps other JVMs from training at the same time
            Threads.startVirtual("mp4j-aot-training", () -> startTraining(key, jvmOptions, cache));
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TRAINING_TIMEOUT_SECONDS);
        while (!Files.isRegularFile(cache) && System.nanoTime() < deadline) {
            Process training = startTraining(key, jvmOptions, cache);
            if (training != null) {
                try {
                    training.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                break;
            }
            // another JVM is training this key: poll for its result or its marker's end
            if (!Files.exists(marker(key))) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
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

    private static Path marker(String key) {
        return directory().resolve(key + ".training");
    }

    /**
     * Starts the training of {@code key} as a process that outlives this JVM: a shell runs the
     * training JVM ({@link WorkerMain} with {@code --aot-train} and {@code -XX:AOTCacheOutput}),
     * then renames the finished cache into place and removes its temporary files and the marker.
     * A short-lived parent thus still leaves a cache for the next run. The marker file (created
     * atomically) makes concurrent JVMs train once; a marker older than the training limit is
     * left over from a killed training and is replaced.
     *
     * @return the training process, or {@code null} when another training runs or it cannot start
     */
    private static Process startTraining(String key, List<String> jvmOptions, Path cache) {
        Path dir = directory();
        Path marker = marker(key);
        Path temporary = dir.resolve(key + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (!claim(marker)) {
                return null;
            }
        } catch (IOException e) {
            return null; // no cache directory: workers simply start without a cache
        }
        List<String> command = new ArrayList<>();
        if (SETSID != null) {
            command.add(SETSID.toString()); // out of the parent's session: a Ctrl-C there does not stop it
        }
        command.addAll(List.of("/bin/sh", "-c", TRAINING_SCRIPT, "mp4j-aot-training"));
        command.addAll(WorkerCommand.buildUntied(jvmOptions,
                List.of("-XX:AOTCacheOutput=" + temporary, "-Xlog:aot=off", "-Xlog:cds=off"),
                List.of(WorkerMain.TRAIN_ARGUMENT)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("MP4J_TMP", temporary.toString());
        builder.environment().put("MP4J_CACHE", cache.toString());
        builder.environment().put("MP4J_MARKER", marker.toString());
        try {
            Process training = builder.start();
            training.onExit().thenRun(() -> prune(dir));
            return training;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(marker);
            } catch (IOException ignored) {
                // a stale marker is replaced after the training limit
            }
            return null;
        }
    }

    /** Creates the marker, replacing one older than the training limit; false if a training runs. */
    private static boolean claim(Path marker) throws IOException {
        try {
            Files.createFile(marker);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (modified(marker) > System.currentTimeMillis() - TimeUnit.SECONDS.toMillis(TRAINING_TIMEOUT_SECONDS + 60)) {
                return false;
            }
            Files.deleteIfExists(marker);
            try {
                Files.createFile(marker);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
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
                } else if (olderThanOneDay(file)) {
                    Files.deleteIfExists(file); // left by a training that was killed
                }
            }
            caches.sort(Comparator.comparing(AotCache::modified).reversed());
            for (Path old : caches.subList(Math.min(KEPT_CACHES, caches.size()), caches.size())) {
                Files.deleteIfExists(old);
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
