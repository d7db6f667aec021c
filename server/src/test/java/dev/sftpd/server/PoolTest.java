// The pool's refill: a replacement waits for the set-up of the session its take was for and starts in the background; an empty pool's taker starts its own.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.server.Launcher.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class PoolTest {
    /** When each start began (System.nanoTime), and the processes it made: 1, 2, 3... */
    private final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger made = new AtomicInteger();
    /** The priority each process was started at, by number. */
    private final Map<Integer, Priority> startedAt = new ConcurrentHashMap<>();
    /** The processes moved to the foreground, in order. */
    private final List<Integer> movedToForeground = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> discarded = Collections.synchronizedList(new ArrayList<>());

    private Pool<Integer> pool(int size) {
        return pool(size, movedToForeground::add);
    }

    private Pool<Integer> pool(int size, Pool.Foreground<Integer> foreground) {
        return new Pool<>("test", size, priority -> {
            starts.add(System.nanoTime());
            int n = made.incrementAndGet();
            startedAt.put(n, priority);
            return n;
        }, foreground, discarded::add);
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

    @Test
    void theFirstStartsInTheForegroundAndTheRefillInTheBackground() throws Exception {
        Pool<Integer> pool = pool(3);
        pool.fill();
        try {
            awaitTrue(() -> pool.ready() == 3);

            assertEquals(Map.of(1, Priority.FOREGROUND, 2, Priority.BACKGROUND, 3, Priority.BACKGROUND), startedAt);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aProcessTakenFromThePoolIsMovedToTheForegroundFirst() throws Exception {
        Pool<Integer> pool = pool(2);
        pool.fill();
        try {
            awaitTrue(() -> pool.ready() == 2);
            assertEquals(List.of(), movedToForeground);

            assertEquals(1, pool.take());
            assertEquals(2, pool.take());

            assertEquals(List.of(1, 2), movedToForeground);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aTakerFindingThePoolEmptyStartsItsOwnInTheForeground() throws Exception {
        Pool<Integer> pool = pool(0);
        pool.fill();
        try {
            int taken = pool.take();

            assertEquals(Priority.FOREGROUND, startedAt.get(taken));
            assertEquals(List.of(), movedToForeground, "nothing to move");
        } finally {
            pool.stop();
        }
    }

    @Test
    void aProcessThatCannotBeMovedToTheForegroundIsDiscardedAndAnotherStarted() throws Exception {
        Pool<Integer> pool = pool(1, t -> {
            throw new IllegalStateException("sched_setscheduler: Operation not permitted");
        });
        pool.fill();
        try {
            int taken = pool.take();

            assertEquals(List.of(1), discarded);
            assertEquals(2, taken);
            assertEquals(Priority.FOREGROUND, startedAt.get(taken));
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
