package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.NotSerializableTaskException;
import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes user objects that must cross to another JVM, turning a codec failure into a
 * {@link NotSerializableTaskException} that names the path to the offending object.
 */
public final class TaskEncoding {

    private TaskEncoding() {
    }

    /**
     * Encodes {@code value} with {@code codec}.
     *
     * @param codec the codec
     * @param value the object
     * @param rootName the name of the object in error messages, such as {@code target}
     * @return the encoded bytes
     * @throws NotSerializableTaskException if the codec cannot encode it
     */
    public static byte[] encode(Codec codec, Object value, String rootName) {
        Bytes out = new Bytes(256);
        encodeInto(codec, value, rootName, out);
        return out.toByteArray();
    }

    /**
     * Appends the encoding of {@code value} to {@code out}; on failure {@code out} is left as it was.
     *
     * @param codec the codec
     * @param value the object
     * @param rootName the name of the object in error messages
     * @param out the buffer to append to
     * @throws NotSerializableTaskException if the codec cannot encode it
     */
    public static void encodeInto(Codec codec, Object value, String rootName, Bytes out) {
        int mark = out.size();
        try {
            codec.encode(value, out);
        } catch (IOException | RuntimeException e) {
            out.truncate(mark);
            String path = ObjectPaths.findNotSerializable(value, rootName)
                    .orElse(rootName + " (" + (value == null ? "null" : value.getClass().getName()) + "): "
                            + e.getMessage());
            throw new NotSerializableTaskException(path, e);
        } catch (StackOverflowError e) {
            out.truncate(mark);
            throw new NotSerializableTaskException(rootName + " (graph too deep to serialize)", e);
        }
    }

    /**
     * Decodes bytes written by {@link #encode}; failures become unchecked.
     *
     * @param codec the codec
     * @param data the buffer
     * @param offset where the encoding starts
     * @param length its length
     * @return the object
     * @throws UncheckedIOException if the bytes cannot be decoded
     */
    public static Object decode(Codec codec, byte[] data, int offset, int length) {
        try {
            return codec.decode(data, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("class not found while decoding: " + e.getMessage(), e));
        }
    }
}
