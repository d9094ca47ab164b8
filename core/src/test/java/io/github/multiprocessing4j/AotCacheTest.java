package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.testing.AotProbeMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK AOT cache for worker JVMs: created once in the background, used by later workers
 * (their JVM reports "sharing"), and harmless when corrupt or stale. Runs {@link AotProbeMain}
 * from a jar, since the JDK cannot cache classes from directories.
 */
@Tag("slow")
class AotCacheTest {

    @TempDir
    Path dir;

    @Test
    void theCacheIsCreatedUsedAndNeverBreaksAStart() throws Exception {
        Path jar = appJar(dir.resolve("app.jar"));
        Path aot = dir.resolve("aot");
        Path report = dir.resolve("report");

        // first run: no cache yet; the worker starts without one, and training creates it
        run(jar, aot, report, true);
        assertThat(arguments(report)).doesNotContain("-XX:AOTCache=");
        List<Path> caches = caches(aot);
        assertThat(caches).hasSize(1);

        // second run: the worker maps the cache
        run(jar, aot, report, false);
        assertThat(arguments(report)).contains("-XX:AOTCache=" + caches.getFirst());
        assertThat(vmInfo(report)).contains("sharing");

        // a corrupt cache: the worker starts all the same, without sharing, and says nothing
        byte[] bytes = Files.readAllBytes(caches.getFirst());
        Files.write(caches.getFirst(), java.util.Arrays.copyOf(bytes, bytes.length / 3));
        String output = run(jar, aot, report, false);
        assertThat(arguments(report)).contains("-XX:AOTCache=");
        assertThat(vmInfo(report)).doesNotContain("sharing");
        assertThat(output).doesNotContainIgnoringCase("aot");

        // a changed class path gets a new cache
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        run(jar, aot, report, true);
        assertThat(arguments(report)).doesNotContain("-XX:AOTCache=");
        assertThat(caches(aot)).hasSize(2);
    }

    private String run(Path jar, Path aot, Path report, boolean waitForCache) throws IOException, InterruptedException {
        Files.deleteIfExists(report);
        Path log = dir.resolve("probe.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dmultiprocessing4j.aot.dir=" + aot, "-cp", jar.toString(),
                AotProbeMain.class.getName(), aot.toString(), report.toString(), Boolean.toString(waitForCache))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(150, TimeUnit.SECONDS)).as("probe finished").isTrue();
            assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        return Files.readString(log);
    }

    private static String vmInfo(Path report) throws IOException {
        return Files.readAllLines(report).get(0);
    }

    private static String arguments(Path report) throws IOException {
        return Files.readAllLines(report).get(1);
    }

    private static List<Path> caches(Path aot) throws IOException {
        try (Stream<Path> files = Files.list(aot)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aot")).sorted().toList();
        }
    }

    /** A jar holding the library's classes and the probe, as an application would ship them. */
    private static Path appJar(Path jar) throws Exception {
        Path main = Path.of(Multiprocessing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(AotProbeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String probe = AotProbeMain.class.getName().replace('.', '/');
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> mainFiles = Files.walk(main);
                Stream<Path> testFiles = Files.walk(tests)) {
            for (Path file : mainFiles.filter(Files::isRegularFile).toList()) {
                add(out, main, file);
            }
            for (Path file : testFiles.filter(f -> tests.relativize(f).toString().startsWith(probe)).toList()) {
                add(out, tests, file);
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Path root, Path file) throws IOException {
        out.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
    }
}
