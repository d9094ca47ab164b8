package io.github.multiprocessing4j;

/**
 * Told how far a bulk pool call ({@code map}, {@code starmap}) has come.
 *
 * <p>Called on one of the pool's own threads each time a chunk of results arrives, with counts
 * that only grow; calls are not concurrent for one pool call. Keep it quick (update a counter or a
 * progress bar): the thread that calls it also delivers other results.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Reports progress.
     *
     * @param completed how many items have a result (or failed)
     * @param total how many items the call has
     */
    void onProgress(long completed, long total);
}
