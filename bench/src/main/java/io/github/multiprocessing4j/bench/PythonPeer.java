package io.github.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs CPython's {@code multiprocessing} peer benchmark ({@code ../shared/bench/python}) the way
 * its own {@code run_all.sh} does: from a bare venv (no site-packages, so interpreter start is
 * stock) with the modules pre-compiled. The shared folder is read-only, so the scripts are copied
 * to a scratch folder first.
 */
public final class PythonPeer {

    private final Path work;
    private final Path python;

    private PythonPeer(Path work, Path python) {
        this.work = work;
        this.python = python;
    }

    /**
     * Prepares the peer benchmark.
     *
     * @param source the folder holding {@code bench.py} and {@code pybench.py}
     * @param scratch a writable folder for the copy and the venv
     * @return the peer, or empty when python3 or the scripts are missing
     * @throws IOException if the copy fails
     * @throws InterruptedException if interrupted
     */
    public static java.util.Optional<PythonPeer> prepare(Path source, Path scratch) throws IOException,
            InterruptedException {
        if (!Files.isRegularFile(source.resolve("bench.py"))) {
            return java.util.Optional.empty();
        }
        Path work = scratch.resolve("python-bench");
        Files.createDirectories(work);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                Files.copy(file, work.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path venv = work.resolve(".venv");
        if (!Files.isExecutable(venv.resolve("bin/python"))) {
            if (run(List.of("python3", "-m", "venv", "--without-pip", venv.toString()), work, 120).exitCode() != 0) {
                return java.util.Optional.empty();
            }
        }
        Path python = venv.resolve("bin/python");
        run(List.of(python.toString(), "-m", "py_compile", "pybench.py", "pybench_mgr.py"), work, 120);
        return java.util.Optional.of(new PythonPeer(work, python));
    }

    /**
     * Runs one trial, such as {@code start spawn}.
     *
     * @param environment extra {@code PYB_*} parameters
     * @param timeoutSeconds how long it may take
     * @param args the bench.py arguments
     * @return its measurements
     * @throws IOException if it cannot run
     * @throws InterruptedException if interrupted
     */
    public List<Measurement> trial(Map<String, String> environment, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), "bench.py"));
        command.addAll(List.of(args));
        Result result = run(command, work, timeoutSeconds, environment);
        if (result.exitCode() != 0) {
            throw new IOException("python bench " + String.join(" ", args) + " failed (" + result.exitCode() + "):\n"
                    + result.output());
        }
        return Measurement.parseAll(result.output());
    }

    /**
     * The interpreter's version line.
     *
     * @return such as {@code Python 3.11.7}
     * @throws IOException if python cannot run
     * @throws InterruptedException if interrupted
     */
    public String version() throws IOException, InterruptedException {
        return run(List.of(python.toString(), "--version"), work, 30).output().trim();
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> command, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        return run(command, dir, timeoutSeconds, Map.of());
    }

    static Result run(List<String> command, Path dir, long timeoutSeconds, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().remove("PYTHONDONTWRITEBYTECODE");
        Process process = builder.start();
        // read on another thread: spawned children keep the pipe open, so reading to its end first
        // would outlive any timeout
        java.util.concurrent.CompletableFuture<byte[]> output = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                output.complete(process.getInputStream().readAllBytes());
            } catch (IOException e) {
                output.completeExceptionally(e);
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        byte[] bytes;
        try {
            bytes = output.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            throw new IOException("output of " + command + " not readable", e);
        }
        return new Result(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    }
}
