package io.github.multiprocessing4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.Multiprocessing;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The examples run as JPMS modules: the library's module descriptor works, and worker JVMs
 * started from a module-path application run targets defined in another module.
 */
class ModulePathTest {

    @Test
    void helloWorkersRunsOnTheModulePath() throws Exception {
        Path core = Path.of(Multiprocessing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path examples = Path.of(HelloWorkers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=io.github.multiprocessing4j",
                "--module-path", core + File.pathSeparator + examples,
                "--module", "io.github.multiprocessing4j.examples/" + HelloWorkers.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("[greeter] hello from greeter in pid")
                .contains("PROCESSES        -> exit code 0")
                .contains("THREADS          -> exit code 0")
                .contains("VIRTUAL_THREADS  -> exit code 0")
                .contains("quitter: System.exit(3)   -> exit code 3")
                .contains("thrower: uncaught exception -> exit code 1, failure: java.lang.IllegalStateException")
                .contains("sleeper: killed            -> exit code -9")
                .doesNotContain("WARNING");
    }
}
