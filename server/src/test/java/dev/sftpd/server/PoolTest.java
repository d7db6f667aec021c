// The pool's refill: a replacement waits for the set-up of the session its take was for; an empty pool's taker starts its own.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class PoolTest {
    /** When each start began (System.nanoTime), and the processes it made: 1, 2, 3... */
    private final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger made = new AtomicInteger();

    private Pool<Integer> pool(int size) {
        return new Pool<>("test", size, () -> {
            starts.add(System.nanoTime());
            return made.incrementAndGet();
        }, discarded -> { });
    }

    @Test
    void theReplacementForATakenProcessStartsHalfASecondAfterTheTake() throws Exception {
        Pool<Integer> pool = pool(2);
        pool.fill();
        try {
            awaitTrue(() -> pool.ready() == 2);
            long before = System.nanoTime();
            assertEquals(1, pool.take(), "the first one ready is handed out");
            awaitTrue(() -> pool.ready() == 2);

            assertEquals(3, starts.size(), "one replacement: " + starts.size());
            long after = starts.get(2) - before;
            assertTrue(after >= Duration.ofMillis(500).toNanos(), "replacement started " + after / 1_000_000 + " ms after the take");
        } finally {
            pool.stop();
        }
    }

    @Test
    void aTakerFindingThePoolEmptyStartsOneItself() throws Exception {
        Pool<Integer> pool = pool(0);
        pool.fill();
        try {
            assertEquals(0, pool.ready());
            assertEquals(2, pool.take(), "a new process, not the discarded first one");
            assertEquals(2, starts.size());
        } finally {
            pool.stop();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s");
            Thread.sleep(10);
        }
    }
}
