/**
 * Service provider interfaces: how objects are copied between JVMs ({@link
 * io.github.multiprocessing4j.spi.Codec}).
 */
package io.github.multiprocessing4j.spi;
