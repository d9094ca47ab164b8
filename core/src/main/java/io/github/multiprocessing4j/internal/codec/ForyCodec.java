package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.memory.MemoryBuffer;

/**
 * Apache Fory in Java mode. Loaded only when Fory is on the class path ({@link Codecs} checks
 * before touching this class).
 *
 * <p>Reference tracking is on, so shared and cyclic graphs come back as Java serialization would
 * return them. Class registration is not required: workers trust their parent, which runs the same
 * class path. Serializable lambdas are supported by Fory's own lambda serializer. Fory instances are
 * pooled rather than per thread, so virtual threads do not each build one.
 */
final class ForyCodec implements Codec {

    private final ThreadSafeFory fory = Fory.builder()
            .withLanguage(Language.JAVA)
            .requireClassRegistration(false)
            .suppressClassRegistrationWarnings(true)
            .withRefTracking(true)
            .withAsyncCompilation(true)
            .buildThreadSafeForyPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    @Override
    public String name() {
        return "fory";
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
        byte[] bytes;
        try {
            bytes = fory.serialize(value);
        } catch (RuntimeException e) {
            throw new IOException("Fory cannot encode " + (value == null ? "null" : value.getClass().getName())
                    + ": " + e.getMessage(), e);
        }
        out.write(bytes);
    }

    @Override
    public Object decode(byte[] data, int offset, int length) throws IOException {
        try {
            return fory.deserialize(MemoryBuffer.fromByteArray(data, offset, length));
        } catch (RuntimeException e) {
            throw new IOException("Fory cannot decode " + length + " bytes: " + e.getMessage(), e);
        }
    }
}
