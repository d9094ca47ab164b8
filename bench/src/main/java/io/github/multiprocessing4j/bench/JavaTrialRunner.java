package io.github.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a Java trial in a fresh JVM with this JVM's class path, as each Python trial is a fresh interpreter. */
final class JavaTrialRunner {

    private JavaTrialRunner() {
    }

    static List<Measurement> run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("multiprocessing4j.aot.dir")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        List<String> trialArgs = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-D")) {
                command.add(arg); // a system property of the trial JVM
            } else {
                trialArgs.add(arg);
            }
        }
        command.add(BenchMain.class.getName());
        command.add("trial");
        command.addAll(trialArgs);
        PythonPeer.Result result = PythonPeer.run(command, Path.of("."), 1800);
        if (result.exitCode() != 0) {
            throw new IOException("java trial " + String.join(" ", args) + " failed (" + result.exitCode() + "):\n"
                    + result.output());
        }
        return Measurement.parseAll(result.output());
    }
}
