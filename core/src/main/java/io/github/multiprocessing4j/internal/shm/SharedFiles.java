package io.github.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Names, creates and sweeps the files the library leaves in shared memory.
 *
 * <p>Every file is {@code <dir>/multiprocessing4j-<owner pid>-<kind>-<random>}, where {@code <dir>}
 * is {@code /dev/shm} (or the system property {@code multiprocessing4j.shm.dir}), the owner is the
 * JVM that created it and must unlink it, and the random part is 64 bits from
 * {@link SecureRandom}. Files are created owner-only ({@code rw-------}). A file whose owner
 * process no longer exists is garbage from a crash; {@link #sweepStale()} removes such files and
 * runs once per JVM when the first context is created. Every path handed out by {@link #newPath}
 * is also removed when this JVM exits normally, if nothing unlinked it before: a context the
 * program never closed, or a background AOT training still running at exit, leaves no file.
 */
public final class SharedFiles {

    /** The prefix of every file name. */
    public static final String PREFIX = "multiprocessing4j-";

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicBoolean SWEPT = new AtomicBoolean();
    /** Paths this JVM handed out and has not unlinked yet; removed at exit. */
    private static final Set<Path> OWNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean EXIT_HOOK = new AtomicBoolean();

    private SharedFiles() {
    }

    /**
     * The directory shared files live in.
     *
     * @return {@code /dev/shm} unless overridden, or the temporary directory when there is no
     *     {@code /dev/shm}
     */
    public static Path directory() {
        String configured = System.getProperty("multiprocessing4j.shm.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A fresh path for a file owned by this JVM.
     *
     * @param kind a short word saying what the file is, such as {@code ring} or {@code hub}
     * @return a path that does not exist yet (with overwhelming probability)
     */
    public static Path newPath(String kind) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        Path path = directory().resolve(PREFIX + ProcessHandle.current().pid() + "-" + kind + "-"
                + HexFormat.of().formatHex(random));
        if (EXIT_HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> OWNED.forEach(SharedFiles::unlink),
                    "mp4j-unlink-at-exit"));
        }
        OWNED.add(path);
        return path;
    }

    /**
     * Creates an owner-only file of {@code size} zero bytes and opens it for reading and writing.
     *
     * @param path a path from {@link #newPath}
     * @param size the file size
     * @return the open channel
     * @throws UncheckedIOException if the file exists or cannot be created
     */
    public static FileChannel create(Path path, long size) {
        try {
            FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), OWNER_ONLY);
            try {
                channel.truncate(0);
                if (size > 0) {
                    // extend sparsely: tmpfs allocates pages on first touch
                    channel.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(path);
                throw e;
            }
            return channel;
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("shared file already exists: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared file " + path + ": " + e, e);
        }
    }

    /**
     * Makes an existing file owner-only, for files created by other APIs (sockets).
     *
     * @param path the file
     */
    public static void restrictToOwner(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the socket also checks a secret token
        }
    }

    /**
     * Deletes a file if it exists, ignoring errors.
     *
     * @param path the file
     */
    public static void unlink(Path path) {
        OWNED.remove(path);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // already gone or not ours; the sweeper retries after a crash
        }
    }

    /**
     * The pid of the JVM that owns a shared file, from its name.
     *
     * @param fileName a file name
     * @return the owner pid, or -1 when the name is not one of ours
     */
    public static long ownerPid(String fileName) {
        if (!fileName.startsWith(PREFIX)) {
            return -1;
        }
        int end = fileName.indexOf('-', PREFIX.length());
        try {
            return Long.parseLong(fileName.substring(PREFIX.length(), end < 0 ? fileName.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Removes shared files whose owner process is gone, once per JVM. */
    public static void sweepStaleOnce() {
        if (SWEPT.compareAndSet(false, true)) {
            sweepStale();
        }
    }

    /**
     * Removes shared files whose owner process is gone.
     *
     * @return how many files were removed
     */
    public static int sweepStale() {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory(), PREFIX + "*")) {
            for (Path file : files) {
                long owner = ownerPid(file.getFileName().toString());
                if (owner > 0 && ProcessHandle.of(owner).isEmpty() && Files.isWritable(file)) {
                    try {
                        Files.deleteIfExists(file);
                        removed++;
                    } catch (IOException e) {
                        // someone else's, or already removed
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to sweep
        }
        return removed;
    }
}
