/**
 * Python's {@code multiprocessing} for the JVM.
 *
 * <p>Start from {@link io.github.multiprocessing4j.Multiprocessing}: it returns a
 * {@link io.github.multiprocessing4j.Context} for worker JVMs, platform threads or virtual
 * threads, and every other object is created from that context. Code written against
 * {@code Context} runs unchanged on every backend.
 */
package io.github.multiprocessing4j;
