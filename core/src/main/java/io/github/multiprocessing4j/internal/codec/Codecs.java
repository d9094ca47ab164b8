package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.spi.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds codecs by name: the built-in {@code jdk} and {@code fory}, then {@link ServiceLoader}
 * providers. One instance per name per JVM, created on first use.
 */
public final class Codecs {

    private static final Map<String, Codec> BY_NAME = new ConcurrentHashMap<>();

    private Codecs() {
    }

    /**
     * The codec with this name.
     *
     * @param name the codec name
     * @return the codec
     * @throws IllegalArgumentException naming the known codecs when there is none by that name
     */
    public static Codec byName(String name) {
        Codec codec = BY_NAME.get(name);
        if (codec == null) {
            codec = BY_NAME.computeIfAbsent(name, Codecs::create);
        }
        return codec;
    }

    private static Codec create(String name) {
        switch (name) {
            case "jdk":
                return new JdkCodec();
            case "fory":
                if (!foryPresent()) {
                    throw new IllegalArgumentException("codec: fory (expected: Apache Fory on the class path; add "
                            + "org.apache.fory:fory-core to the dependencies, or use the jdk codec)");
                }
                return new ForyCodec();
            default:
                List<String> known = new ArrayList<>(List.of("jdk", "fory"));
                for (Codec provider : ServiceLoader.load(Codec.class)) {
                    if (provider.name().equals(name)) {
                        return provider;
                    }
                    known.add(provider.name());
                }
                throw new IllegalArgumentException("codec: \"" + name + "\" (expected: one of " + known + ")");
        }
    }

    /**
     * Whether Apache Fory can be loaded.
     *
     * @return {@code true} if the Fory codec is usable
     */
    public static boolean foryPresent() {
        try {
            Class.forName("org.apache.fory.Fory", false, Codecs.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
