// The pool's refill: a replacement waits for the set-up of the session its take was for and starts in the background; an empty pool's taker starts its own; a burst raises the pool for a while.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.server.Launcher.Priority;
import dev.sftpd.server.config.PoolSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    /** How far the pool's clock is ahead of System.nanoTime(). */
    private final AtomicLong ahead = new AtomicLong();

    private Pool<Integer> pool(int size) {
        return pool(new PoolSize(size, size), movedToForeground::add);
    }

    private Pool<Integer> pool(PoolSize size) {
        return pool(size, movedToForeground::add);
    }

    private Pool<Integer> pool(int size, Pool.Foreground<Integer> foreground) {
        return pool(new PoolSize(size, size), foreground);
    }

    private Pool<Integer> pool(PoolSize size, Pool.Foreground<Integer> foreground) {
        return new Pool<>("test", size, priority -> {
            starts.add(System.nanoTime());
            int n = made.incrementAndGet();
            startedAt.put(n, priority);
            return n;
        }, foreground, discarded::add, () -> System.nanoTime() + ahead.get());
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

    @Test
    void aBurstThatEmptiesThePoolRaisesItToWhatTheBurstTook() throws Exception {
        Pool<Integer> pool = pool(new PoolSize(2, 8));
        pool.fill();
        try {
            burst(pool, 2, 5);

            assertEquals(5, pool.target());
            awaitTrue(() -> pool.ready() == 5);
            Thread.sleep(700);
            assertEquals(5, pool.ready(), "no more than the burst took");
            assertEquals(2 + 3 + 5, made.get(), "two ready, three started by takers, five by the refill");
        } finally {
            pool.stop();
        }
    }

    @Test
    void aBurstRaisesThePoolNoFurtherThanItsMost() throws Exception {
        Pool<Integer> pool = pool(new PoolSize(1, 3));
        pool.fill();
        try {
            burst(pool, 1, 6);

            assertEquals(3, pool.target());
            awaitTrue(() -> pool.ready() == 3);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aPoolOfOneNumberIsNotRaisedByABurst() throws Exception {
        Pool<Integer> pool = pool(2);
        pool.fill();
        try {
            burst(pool, 2, 6);

            assertEquals(2, pool.target());
            awaitTrue(() -> pool.ready() == 2);
        } finally {
            pool.stop();
        }
    }

    @Test
    void takesTheRefillKeepsUpWithDoNotRaiseThePool() throws Exception {
        Pool<Integer> pool = pool(new PoolSize(2, 8));
        pool.fill();
        try {
            for (int i = 0; i < 4; i++) {
                awaitTrue(() -> pool.ready() == 2);
                pool.take();
            }

            assertEquals(2, pool.target(), "one take at a time, each replaced before the next");
        } finally {
            pool.stop();
        }
    }

    @Test
    void theRaisedPoolFallsBackWhenTheBurstsMinutesHavePassed() throws Exception {
        Pool<Integer> pool = pool(new PoolSize(1, 8));
        pool.fill();
        try {
            burst(pool, 1, 4);
            awaitTrue(() -> pool.ready() == 4);

            // Kept by the minute: a burst counts for HOLD_MINUTES - 1 to HOLD_MINUTES minutes.
            ahead.set(Duration.ofMinutes(Pool.HOLD_MINUTES - 2).toNanos());
            assertEquals(4, pool.target(), "still within the burst's minutes");
            ahead.set(Duration.ofMinutes(Pool.HOLD_MINUTES + 1).toNanos());
            assertEquals(1, pool.target());
            pool.resize(new PoolSize(1, 8));

            assertEquals(1, pool.ready());
            assertEquals(3, discarded.size(), "the three over the size ended: " + discarded);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aReloadLoweringMostEndsTheReadyOnesOverIt() throws Exception {
        Pool<Integer> pool = pool(new PoolSize(1, 8));
        pool.fill();
        try {
            burst(pool, 1, 4);
            awaitTrue(() -> pool.ready() == 4);

            pool.resize(new PoolSize(1, 2));

            assertEquals(2, pool.target(), "the burst still counts, up to the new most");
            assertEquals(2, pool.ready());
            assertEquals(2, discarded.size(), "the two over it ended: " + discarded);
        } finally {
            pool.stop();
        }
    }

    /** A burst: once the pool holds its ready count, takes one after another without waiting for the refill. */
    private static void burst(Pool<Integer> pool, int ready, int takes) throws Exception {
        awaitTrue(() -> pool.ready() == ready);
        for (int i = 0; i < takes; i++) {
            pool.take();
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
