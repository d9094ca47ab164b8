package io.github.multiprocessing4j.demos;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Shows how far a demo is: a redrawn progress bar with the elapsed time on a terminal, one plain line
 * per step otherwise (a log file, CI).
 *
 * <p>Thread-safe: every method is synchronized, and the bar's ticker calls in from its own thread.
 */
public final class Progress implements AutoCloseable {

    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService ticker;
    private ScheduledFuture<?> tick;
    private String demo = "";
    private int steps;
    private int done;
    private String current = "";
    private long started;

    private Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.ticker = terminal ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "demo-progress");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /**
     * A progress display that draws a bar when the standard output is a terminal.
     *
     * @param out where to write
     * @return the display
     */
    public static Progress forConsole(PrintStream out) {
        java.io.Console console = System.console();
        return new Progress(out, console != null && console.isTerminal() && System.getenv("CI") == null);
    }

    /**
     * A display that writes one plain line per step.
     *
     * @param out where to write
     * @return the display
     */
    public static Progress plain(PrintStream out) {
        return new Progress(out, false);
    }

    /**
     * Starts a demo.
     *
     * @param name the demo's name
     * @param totalSteps how many steps it will report
     */
    public synchronized void begin(String name, int totalSteps) {
        demo = name;
        steps = Math.max(1, totalSteps);
        done = 0;
        current = "starting";
        started = System.nanoTime();
        if (terminal) {
            tick = ticker.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
            draw();
        } else {
            out.printf(Locale.ROOT, "[%s] %d steps%n", demo, steps);
        }
    }

    /**
     * Reports that the next step starts.
     *
     * @param what the step, such as {@code processes (work queue)}
     */
    public synchronized void step(String what) {
        if (!current.equals("starting")) {
            done = Math.min(steps, done + 1);
        }
        current = what;
        if (terminal) {
            draw();
        } else {
            out.printf(Locale.ROOT, "[%s %d/%d] %s (%.1f s)%n", demo, done + 1, steps, what, elapsed());
        }
    }

    /** Ends the current demo. */
    public synchronized void end() {
        done = steps;
        if (terminal) {
            if (tick != null) {
                tick.cancel(false);
            }
            current = "done";
            draw();
            out.println();
        } else {
            out.printf(Locale.ROOT, "[%s] done in %.1f s%n", demo, elapsed());
        }
    }

    private double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    private synchronized void draw() {
        int filled = done * BAR / steps;
        String bar = "#".repeat(filled) + ".".repeat(BAR - filled);
        String line = String.format(Locale.ROOT, "\r%-18s [%s] %d/%d %6.1f s  %-40s", demo, bar, done, steps,
                elapsed(), current.length() > 40 ? current.substring(0, 40) : current);
        out.print(line);
        out.flush();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
