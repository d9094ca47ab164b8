/**
 * Sharing across processes and machines over the network: authenticated message connections
 * ({@link io.github.multiprocessing4j.manager.Listener}, {@link io.github.multiprocessing4j.manager.Client}),
 * Python's {@code multiprocessing.connection}. Managers build on them.
 */
package io.github.multiprocessing4j.manager;
