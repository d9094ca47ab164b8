package io.github.multiprocessing4j.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Copies objects between JVMs: targets, tasks, arguments, results and exceptions.
 *
 * <p>Two codecs are built in and chosen by name with
 * {@link io.github.multiprocessing4j.ProcessOptions.Builder#codec(String)}: {@code jdk}, Java
 * serialization behind an {@link java.io.ObjectInputFilter} (the default), and {@code fory}, Apache
 * Fory in Java mode when it is on the class path. Further codecs are found with
 * {@link java.util.ServiceLoader} by their {@link #name()}; a provider needs a public no-argument
 * constructor and must be on the class path of the parent and of the workers (workers use the
 * parent's class path, so that holds by itself).
 *
 * <p>Values of the common immutable types ({@code null}, boxed primitives, {@code String},
 * {@code byte[]}) never reach a codec: the library writes them itself.
 *
 * <p>Implementations must be thread-safe: {@link #encode} and {@link #decode} are called from many
 * threads at once. An instance encodes in one JVM and the same codec, by name, decodes in another.
 */
public interface Codec {

    /**
     * The name this codec is chosen by; the same in every JVM.
     *
     * @return a short lower-case name such as {@code jdk}
     */
    String name();

    /**
     * Writes {@code value} to {@code out}.
     *
     * @param value the object to encode, may be {@code null}
     * @param out where to write; the codec must not close it
     * @throws IOException if the object cannot be encoded, for example
     *     {@link java.io.NotSerializableException}
     */
    void encode(Object value, OutputStream out) throws IOException;

    /**
     * Reads back an object written by {@link #encode}, possibly in another JVM. Classes are resolved
     * with the thread's context class loader first. The buffer is reused for the next message once
     * this returns: the result must not refer to it.
     *
     * @param data the buffer holding the encoded bytes
     * @param offset where the encoded bytes start
     * @param length how many bytes they span
     * @return the decoded object, may be {@code null}
     * @throws IOException if the bytes are not a valid encoding, or a filter rejects a class
     * @throws ClassNotFoundException if a class of the encoded graph is not found here
     */
    Object decode(byte[] data, int offset, int length) throws IOException, ClassNotFoundException;
}
