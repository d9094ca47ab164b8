package io.github.multiprocessing4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How worker JVMs are started: heap, JVM flags, system properties, environment, working directory,
 * the codec that copies tasks and results, where their output goes, and start-up settings.
 *
 * <p>Workers always run the parent's class path and module path with the parent's JDK, so every
 * class the parent can load exists in the worker. Instances are immutable and thread-safe; build
 * them with {@link #builder()}:
 *
 * <pre>{@code
 * ProcessOptions options = ProcessOptions.builder()
 *         .maxHeap("512m")
 *         .jvmFlag("-XX:+UseParallelGC")
 *         .systemProperty("app.mode", "batch")
 *         .environment("TZ", "UTC")
 *         .build();
 * try (Context ctx = Multiprocessing.processes(options)) { ... }
 * }</pre>
 */
public final class ProcessOptions {

    /** Codec names understood without a service provider. */
    private static final Set<String> BUILT_IN_CODECS = Set.of("jdk", "fory");

    /** Heap sizes as the JVM accepts them: digits with an optional k, m, g or t suffix. */
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");

    /** Options that would replace what the launcher decides for the worker. */
    private static final Set<String> RESERVED_FLAGS = Set.of("-cp", "-classpath", "--class-path", "-jar",
            "-m", "--module", "-p", "--module-path", "--upgrade-module-path", "-Xmx", "-version", "--version",
            "-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode", "-XX:AOTConfiguration");

    private static final ProcessOptions DEFAULTS = builder().build();

    private final String maxHeap;
    private final List<String> jvmFlags;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final String codec;
    private final OutputSink output;
    private final boolean aotCache;
    private final Duration startTimeout;

    private ProcessOptions(Builder builder) {
        this.maxHeap = builder.maxHeap;
        this.jvmFlags = List.copyOf(builder.jvmFlags);
        this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.systemProperties));
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
        this.workingDirectory = builder.workingDirectory;
        this.codec = builder.codec;
        this.output = builder.output;
        this.aotCache = builder.aotCache;
        this.startTimeout = builder.startTimeout;
    }

    /**
     * The default options: the JVM's own heap sizing, no extra flags, the parent's environment and
     * working directory, the {@code jdk} codec, output printed with the worker's name as prefix, the
     * AOT cache on, and a 60 second start timeout.
     *
     * @return the defaults
     */
    public static ProcessOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts building options from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts building options from these.
     *
     * @return a new builder holding a copy of these options
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.maxHeap = maxHeap;
        builder.jvmFlags.addAll(jvmFlags);
        builder.systemProperties.putAll(systemProperties);
        builder.environment.putAll(environment);
        builder.workingDirectory = workingDirectory;
        builder.codec = codec;
        builder.output = output;
        builder.aotCache = aotCache;
        builder.startTimeout = startTimeout;
        return builder;
    }

    /**
     * The maximum heap of each worker, as given to {@code -Xmx}.
     *
     * @return the size, such as {@code 512m}, or empty for the JVM's default
     */
    public Optional<String> maxHeap() {
        return Optional.ofNullable(maxHeap);
    }

    /**
     * Extra JVM flags, in order, placed before the main class.
     *
     * @return an unmodifiable list
     */
    public List<String> jvmFlags() {
        return jvmFlags;
    }

    /**
     * System properties set with {@code -D} in each worker.
     *
     * @return an unmodifiable map in insertion order
     */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /**
     * Environment variables added to (or replacing those of) the parent's environment.
     *
     * @return an unmodifiable map in insertion order
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The working directory of each worker.
     *
     * @return the directory, or empty for the parent's working directory
     */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * The name of the codec that copies targets, arguments and results between JVMs:
     * {@code jdk} (Java serialization behind an {@link java.io.ObjectInputFilter}) or {@code fory}
     * (Apache Fory, when it is on the class path), or a {@link io.github.multiprocessing4j.spi.Codec}
     * service provider's name.
     *
     * @return the codec name
     */
    public String codec() {
        return codec;
    }

    /**
     * Where the workers' standard output and standard error lines go.
     *
     * @return the sink
     */
    public OutputSink output() {
        return output;
    }

    /**
     * Whether workers use a JDK AOT cache (JEP 483/514) to start faster. The cache is created once
     * in the background, in {@code ~/.cache/multiprocessing4j/aot}, for each class path and set of
     * flags, and is only possible when the class path holds jar files; without a usable cache a
     * worker starts a little slower, never differently.
     *
     * @return {@code true} when the AOT cache is used
     */
    public boolean aotCache() {
        return aotCache;
    }

    /**
     * How long a worker may take from launch to its handshake before it is killed and reported as
     * failed to start.
     *
     * @return the timeout
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    @Override
    public String toString() {
        return "ProcessOptions[maxHeap=" + maxHeap + ", jvmFlags=" + jvmFlags + ", systemProperties="
                + systemProperties + ", environment=" + environment.keySet() + ", workingDirectory="
                + workingDirectory + ", codec=" + codec + ", aotCache=" + aotCache + ", startTimeout="
                + startTimeout + "]";
    }

    /**
     * Builds {@link ProcessOptions}. Each setter checks its argument and throws
     * {@link IllegalArgumentException} naming the bad value and what was expected. Not thread-safe.
     */
    public static final class Builder {
        private String maxHeap;
        private final List<String> jvmFlags = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDirectory;
        private String codec = "jdk";
        private OutputSink output = OutputSink.prefixed();
        private boolean aotCache = true;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * Sets the maximum heap of each worker.
         *
         * @param size a size as {@code -Xmx} accepts it, such as {@code 512m} or {@code 2g}
         * @return this builder
         * @throws IllegalArgumentException if the size is malformed
         */
        public Builder maxHeap(String size) {
            Objects.requireNonNull(size, "size");
            if (!HEAP_SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("maxHeap: \"" + size
                        + "\" (expected: a positive size such as 64m, 512m or 2g)");
            }
            this.maxHeap = size;
            return this;
        }

        /**
         * Adds one JVM flag, such as {@code -XX:+UseParallelGC} or {@code -Xss512k}.
         *
         * @param flag the flag
         * @return this builder
         * @throws IllegalArgumentException if it does not start with {@code -} or would replace the
         *     class path, main class, heap size (use {@link #maxHeap}) or AOT settings
         */
        public Builder jvmFlag(String flag) {
            Objects.requireNonNull(flag, "flag");
            if (!flag.startsWith("-") || flag.isBlank()) {
                throw new IllegalArgumentException("jvmFlag: \"" + flag + "\" (expected: a JVM option starting with '-')");
            }
            String key = flag.startsWith("-Xmx") ? "-Xmx" : flag.split("[=\\s]", 2)[0];
            if (RESERVED_FLAGS.contains(key)) {
                throw new IllegalArgumentException("jvmFlag: \"" + flag + "\" (expected: not a class path, module, "
                        + "main class, heap size or AOT option; workers use the parent's class path, and the heap is "
                        + "set with maxHeap(..))");
            }
            if (flag.startsWith("-D")) {
                throw new IllegalArgumentException("jvmFlag: \"" + flag + "\" (expected: not a system property; use "
                        + "systemProperty(name, value))");
            }
            jvmFlags.add(flag);
            return this;
        }

        /**
         * Adds JVM flags, in order; see {@link #jvmFlag(String)}.
         *
         * @param flags the flags
         * @return this builder
         */
        public Builder jvmFlags(List<String> flags) {
            Objects.requireNonNull(flags, "flags").forEach(this::jvmFlag);
            return this;
        }

        /**
         * Sets a system property in each worker.
         *
         * @param name the property name, not blank
         * @param value the value
         * @return this builder
         */
        public Builder systemProperty(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank() || name.contains("=")) {
                throw new IllegalArgumentException("systemProperty name: \"" + name
                        + "\" (expected: a non-blank name without '=')");
            }
            systemProperties.put(name, value);
            return this;
        }

        /**
         * Sets an environment variable in each worker, on top of the parent's environment.
         *
         * @param name the variable name, not blank
         * @param value the value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment name: \"" + name
                        + "\" (expected: a non-blank name without '=')");
            }
            environment.put(name, value);
            return this;
        }

        /**
         * Sets the working directory of each worker.
         *
         * @param directory an existing directory
         * @return this builder
         * @throws IllegalArgumentException if it is not an existing directory
         */
        public Builder workingDirectory(Path directory) {
            Objects.requireNonNull(directory, "directory");
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("workingDirectory: " + directory + " (expected: an existing directory)");
            }
            this.workingDirectory = directory.toAbsolutePath();
            return this;
        }

        /**
         * Chooses the codec by name: {@code jdk} (the default), {@code fory}, or the name of a
         * {@link io.github.multiprocessing4j.spi.Codec} service provider. The name is checked when a
         * context is created with these options.
         *
         * @param name the codec name
         * @return this builder
         */
        public Builder codec(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("codec: \"" + name + "\" (expected: one of " + BUILT_IN_CODECS
                        + " or a Codec service provider's name)");
            }
            this.codec = name;
            return this;
        }

        /**
         * Sets where the workers' output lines go.
         *
         * @param sink the sink, called from internal threads
         * @return this builder
         */
        public Builder output(OutputSink sink) {
            this.output = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Turns the AOT cache on (the default) or off.
         *
         * @param enabled whether to use the AOT cache
         * @return this builder
         */
        public Builder aotCache(boolean enabled) {
            this.aotCache = enabled;
            return this;
        }

        /**
         * Sets how long a worker may take to start.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout: " + timeout + " (expected: a positive duration)");
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public ProcessOptions build() {
            return new ProcessOptions(this);
        }
    }
}
