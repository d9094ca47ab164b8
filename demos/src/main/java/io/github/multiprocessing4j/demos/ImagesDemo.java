package io.github.multiprocessing4j.demos;

import io.github.multiprocessing4j.Context;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessPool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * The 2011 talk's parallel image processing: a set of generated test photos (24 at size 1, 1600 x 1200,
 * seeded, so every run sees the same pixels) goes through a real pipeline: decode the PNG with
 * {@code javax.imageio}, halve it (2 x 2 box filter), blur it (three passes of a 5-tap binomial
 * kernel), turn it to grayscale, find its edges (Sobel), encode the result as PNG. Serial, then on
 * pools of threads, virtual threads and processes; every output's CRC-32 must equal the serial one.
 */
public final class ImagesDemo implements Demo {

    static final int WIDTH = 1600;
    static final int HEIGHT = 1200;

    @Override
    public String name() {
        return "images";
    }

    @Override
    public int steps(DemoSettings settings) {
        return 6;
    }

    @Override
    public DemoResult run(DemoSettings settings) throws Exception {
        int count = settings.scaled(24, 2);
        int n = settings.workers();
        Progress progress = settings.progress();
        progress.step("generating " + count + " test images");
        Path folder = settings.out().resolve("images").toAbsolutePath();
        List<String> inputs = generate(folder, count);
        String workload = count + " images " + WIDTH + "x" + HEIGHT;
        List<Row> rows = new ArrayList<>();

        progress.step("serial");
        Timed<List<Long>> serial = Timed.of(() -> inputs.stream().map(ImagesDemo::process).toList());
        rows.add(Row.of(workload, "serial", 1, serial.seconds(),
                check(serial.value(), serial.value()).replace(" ok", " (the reference)")));

        progress.step("pool of threads");
        Timed<List<Long>> threads = Timed.of(() -> onPool(Multiprocessing.threads(), n, inputs));
        rows.add(Row.of(workload, "ProcessPool on threads", n, threads.seconds(),
                check(serial.value(), threads.value())));

        progress.step("pool of virtual threads");
        Timed<List<Long>> virtual = Timed.of(() -> onPool(Multiprocessing.virtualThreads(), n, inputs));
        rows.add(Row.of(workload, "ProcessPool on virtual threads", n, virtual.seconds(),
                check(serial.value(), virtual.value())));

        progress.step("pool of processes");
        try (Context context = Multiprocessing.processes()) {
            Timed.ColdAndWarm<List<Long>> runs = Timed.coldThenWarm(context, n,
                    () -> progress.step("pool of processes, started"), pool -> pool.map(ImagesDemo::process, inputs, 1));
            rows.add(Row.of(workload, "ProcessPool on processes, incl. start", n, runs.cold().seconds(),
                    check(serial.value(), runs.cold().value())));
            rows.add(Row.of(workload, "ProcessPool on processes, started", n, runs.warm().seconds(),
                    check(serial.value(), runs.warm().value())));
        }
        return new DemoResult(name(), count + " generated photos, " + WIDTH + "x" + HEIGHT
                + ": decode PNG, halve, blur x3, grayscale, Sobel edges, encode PNG (2011 talk); outputs in "
                + settings.out().resolve("images"), rows,
                List.of("The same code runs on every backend through one API (ProcessPool.map); outputs are "
                        + "checked by CRC-32 against the serial run.",
                        "javax.imageio is thread-safe for separate readers and writers; a library that is not "
                        + "would be confined to processes, with no change to this code.",
                        "No CPython peer: ../shared/bench/python has no image workload."));
    }

    private static List<Long> onPool(Context context, int workers, List<String> inputs) throws Exception {
        try (context; ProcessPool pool = context.pool(workers)) {
            return pool.map(ImagesDemo::process, inputs, 1);
        }
    }

    /**
     * Writes the test images, or keeps them when an earlier run wrote them.
     *
     * @param folder where they go
     * @param count how many
     * @return their absolute paths
     * @throws IOException if they cannot be written
     */
    static List<String> generate(Path folder, int count) throws IOException {
        Files.createDirectories(folder);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = folder.resolve(String.format("input-%02d.png", i));
            if (!Files.isRegularFile(file)) {
                Path temporary = folder.resolve(file.getFileName() + ".tmp");
                ImageIO.write(testImage(i), "png", temporary.toFile());
                Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            paths.add(file.toString());
        }
        return paths;
    }

    /** A seeded test photo: a colour gradient with noise and discs. */
    static BufferedImage testImage(int seed) {
        SplittableRandom random = new SplittableRandom(1000 + seed);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        int discs = 40;
        int[][] disc = new int[discs][4];
        for (int[] d : disc) {
            d[0] = random.nextInt(WIDTH);
            d[1] = random.nextInt(HEIGHT);
            d[2] = 20 + random.nextInt(180);
            d[3] = random.nextInt(0x1000000);
        }
        int[] line = new int[WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int r = (x * 255 / WIDTH + seed * 37) & 0xff;
                int g = (y * 255 / HEIGHT + seed * 11) & 0xff;
                int b = ((x + y) * 255 / (WIDTH + HEIGHT)) & 0xff;
                int rgb = (r << 16) | (g << 8) | b;
                for (int[] d : disc) {
                    int dx = x - d[0];
                    int dy = y - d[1];
                    if (dx * dx + dy * dy < d[2] * d[2]) {
                        rgb = d[3];
                    }
                }
                int noise = random.nextInt(16);
                line[x] = rgb ^ (noise | noise << 8 | noise << 16);
            }
            image.setRGB(0, y, WIDTH, 1, line, 0, WIDTH);
        }
        return image;
    }

    /**
     * The pipeline for one file: writes {@code output-NN.png} beside the input and returns the CRC-32
     * of the output's pixels. Runs in worker processes too.
     *
     * @param input the input file's path
     * @return the checksum
     */
    static long process(String input) {
        try {
            BufferedImage image = ImageIO.read(Path.of(input).toFile());
            if (image == null) {
                throw new IOException("not an image: " + input);
            }
            int w = image.getWidth();
            int h = image.getHeight();
            int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
            int hw = w / 2;
            int hh = h / 2;
            int[][] channels = halve(rgb, w, hw, hh);
            for (int[] channel : channels) {
                for (int pass = 0; pass < 3; pass++) {
                    blur(channel, hw, hh);
                }
            }
            int[] gray = new int[hw * hh];
            for (int i = 0; i < gray.length; i++) {
                gray[i] = (77 * channels[0][i] + 150 * channels[1][i] + 29 * channels[2][i]) >> 8;
            }
            byte[] edges = sobel(gray, hw, hh);
            BufferedImage out = new BufferedImage(hw, hh, BufferedImage.TYPE_BYTE_GRAY);
            out.getRaster().setDataElements(0, 0, hw, hh, edges);
            Path output = Path.of(input.replace("input-", "output-"));
            ImageIO.write(out, "png", output.toFile());
            CRC32 crc = new CRC32();
            crc.update(edges);
            return crc.getValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot process " + input, e);
        }
    }

    private static int[][] halve(int[] rgb, int w, int hw, int hh) {
        int[][] channels = new int[3][hw * hh];
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < hw; x++) {
                int i = 2 * y * w + 2 * x;
                int[] four = {rgb[i], rgb[i + 1], rgb[i + w], rgb[i + w + 1]};
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    int sum = 0;
                    for (int p : four) {
                        sum += (p >> shift) & 0xff;
                    }
                    channels[c][y * hw + x] = sum >> 2;
                }
            }
        }
        return channels;
    }

    /** One separable pass of the kernel 1 4 6 4 1 (sum 16) in both directions, edges clamped. */
    private static void blur(int[] channel, int w, int h) {
        int[] tmp = new int[channel.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int sum = channel[row + clamp(x - 2, w)] + 4 * channel[row + clamp(x - 1, w)] + 6 * channel[row + x]
                        + 4 * channel[row + clamp(x + 1, w)] + channel[row + clamp(x + 2, w)];
                tmp[row + x] = sum >> 4;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sum = tmp[clamp(y - 2, h) * w + x] + 4 * tmp[clamp(y - 1, h) * w + x] + 6 * tmp[y * w + x]
                        + 4 * tmp[clamp(y + 1, h) * w + x] + tmp[clamp(y + 2, h) * w + x];
                channel[y * w + x] = sum >> 4;
            }
        }
    }

    private static byte[] sobel(int[] gray, int w, int h) {
        byte[] out = new byte[w * h];
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                int gx = -gray[i - w - 1] - 2 * gray[i - 1] - gray[i + w - 1] + gray[i - w + 1] + 2 * gray[i + 1]
                        + gray[i + w + 1];
                int gy = -gray[i - w - 1] - 2 * gray[i - w] - gray[i - w + 1] + gray[i + w - 1] + 2 * gray[i + w]
                        + gray[i + w + 1];
                out[i] = (byte) Math.min(255, (Math.abs(gx) + Math.abs(gy)) / 2);
            }
        }
        return out;
    }

    private static int clamp(int v, int size) {
        return v < 0 ? 0 : v >= size ? size - 1 : v;
    }

    private static String check(List<Long> expected, List<Long> actual) {
        DemoCheckException.expectEqual("number of processed images", expected.size(), actual.size());
        CRC32 all = new CRC32();
        for (int i = 0; i < expected.size(); i++) {
            DemoCheckException.expectEqual("CRC-32 of output " + i, expected.get(i), actual.get(i));
            all.update(java.nio.ByteBuffer.allocate(8).putLong(actual.get(i)).array());
        }
        return String.format("CRC %08x ok", all.getValue());
    }
}
