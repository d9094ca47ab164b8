package io.github.multiprocessing4j.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The number of CPUs this process may use: the smaller of the CPUs in its affinity mask and its
 * cgroup CPU quota (rounded up), and at least 1.
 *
 * <p>Python's {@code cpu_count()} reports the machine's CPUs; a pool sized from it oversubscribes a
 * container limited to fewer. This reads the same sources the kernel enforces: the
 * {@code Cpus_allowed_list} line of {@code /proc/self/status} (set by {@code taskset} and
 * cpusets) and {@code cpu.max} (cgroup v2) or {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}
 * (cgroup v1) of this process's cgroup and its ancestors.
 */
public final class CpuCount {

    private CpuCount() {
    }

    /**
     * The CPUs this process may use.
     *
     * @return a count of at least 1
     */
    public static int get() {
        int cpus = affinity().orElse(Runtime.getRuntime().availableProcessors());
        OptionalDouble quota = cgroupQuota();
        if (quota.isPresent()) {
            cpus = Math.min(cpus, (int) Math.ceil(quota.getAsDouble()));
        }
        return Math.max(1, cpus);
    }

    /** Counts the CPUs in this process's affinity mask. */
    static OptionalInt affinity() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return OptionalInt.of(countCpuList(line.substring("Cpus_allowed_list:".length())));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc is not mounted: fall back to the JVM's figure
        }
        return OptionalInt.empty();
    }

    /**
     * Counts the CPUs in a kernel CPU list such as {@code 0-3,8,10-11}.
     *
     * @param list the list
     * @return the number of CPUs it names
     * @throws IllegalArgumentException if the list is malformed
     */
    public static int countCpuList(String list) {
        int count = 0;
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    Integer.parseInt(part.trim());
                    count++;
                } else {
                    int from = Integer.parseInt(part.substring(0, dash).trim());
                    int to = Integer.parseInt(part.substring(dash + 1).trim());
                    if (to < from) {
                        throw new IllegalArgumentException("cpu list: \"" + list + "\" (expected: ranges low-high)");
                    }
                    count += to - from + 1;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cpu list: \"" + list + "\" (expected: numbers and ranges such as 0-3,8)", e);
            }
        }
        return count;
    }

    /** The CPU quota of this process's cgroup hierarchy, in CPUs, if one is set. */
    static OptionalDouble cgroupQuota() {
        try {
            List<String> cgroups = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Path root = Path.of("/sys/fs/cgroup");
            for (String line : cgroups) {
                String[] fields = line.split(":", 3);
                if (fields.length == 3 && fields[0].equals("0") && fields[1].isEmpty()) {
                    return smallestQuota(root, fields[2], "cpu.max", null);
                }
            }
            for (String line : cgroups) {
                String[] fields = line.split(":", 3);
                if (fields.length == 3 && List.of(fields[1].split(",")).contains("cpu")) {
                    for (Path mount : List.of(root.resolve("cpu,cpuacct"), root.resolve("cpu"))) {
                        if (Files.isDirectory(mount)) {
                            return smallestQuota(mount, fields[2], "cpu.cfs_quota_us", "cpu.cfs_period_us");
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup information: no quota
        }
        return OptionalDouble.empty();
    }

    /** Walks from the cgroup up to the mount root and returns the smallest quota found. */
    private static OptionalDouble smallestQuota(Path mount, String cgroupPath, String quotaFile, String periodFile) {
        double smallest = Double.POSITIVE_INFINITY;
        Path dir = mount.resolve(cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath).normalize();
        while (dir != null && dir.startsWith(mount)) {
            try {
                OptionalDouble quota;
                if (periodFile == null) {
                    quota = parseCpuMax(Files.readString(dir.resolve(quotaFile)));
                } else {
                    quota = parseCfs(Files.readString(dir.resolve(quotaFile)), Files.readString(dir.resolve(periodFile)));
                }
                if (quota.isPresent()) {
                    smallest = Math.min(smallest, quota.getAsDouble());
                }
            } catch (IOException | RuntimeException e) {
                // this level has no readable limit
            }
            dir = dir.getParent();
        }
        return Double.isInfinite(smallest) ? OptionalDouble.empty() : OptionalDouble.of(smallest);
    }

    /**
     * Parses cgroup v2 {@code cpu.max}: {@code "max 100000"} (no limit) or
     * {@code "150000 100000"} (1.5 CPUs).
     *
     * @param content the file's content
     * @return the quota in CPUs, or empty when unlimited
     */
    public static OptionalDouble parseCpuMax(String content) {
        String[] fields = content.trim().split("\\s+");
        if (fields.length < 1 || fields[0].equals("max")) {
            return OptionalDouble.empty();
        }
        long quota = Long.parseLong(fields[0]);
        long period = fields.length > 1 ? Long.parseLong(fields[1]) : 100_000;
        return quota > 0 && period > 0 ? OptionalDouble.of((double) quota / period) : OptionalDouble.empty();
    }

    /**
     * Parses cgroup v1 {@code cpu.cfs_quota_us} and {@code cpu.cfs_period_us}; a quota of -1 means
     * no limit.
     *
     * @param quota the quota file's content
     * @param period the period file's content
     * @return the quota in CPUs, or empty when unlimited
     */
    public static OptionalDouble parseCfs(String quota, String period) {
        long q = Long.parseLong(quota.trim());
        long p = Long.parseLong(period.trim());
        return q > 0 && p > 0 ? OptionalDouble.of((double) q / p) : OptionalDouble.empty();
    }
}
