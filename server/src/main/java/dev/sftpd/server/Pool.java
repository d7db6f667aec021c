// Processes started ahead of need, so that a connection or a session never waits for a JVM to boot; each is used once.
package dev.sftpd.server;

import dev.sftpd.log.SshLog;
import dev.sftpd.server.Launcher.Priority;
import dev.sftpd.server.config.PoolSize;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One refill thread keeps the pool's target ready, starting them in the background (Launcher.Priority)
 * so that they take only CPU the sessions being served leave idle; a ready one taken is moved to
 * the foreground first. A taker finding none starts one itself, in the foreground, and waits for it.
 * The target is the pool's size's ready count, raised after a burst to what the burst took before
 * the refill caught up (the most of any burst in the last {@link #HOLD_MINUTES} minutes, at most the
 * size's most), as a pre-forking server raises its spare servers: a burst like the last one then finds
 * its processes started, and the memory they hold was in use by the burst moments before.
 * A reload may change the size, or retire every ready process because what they were started with
 * changed: a process started before a retirement is discarded, never handed out.
 */
final class Pool<T> {
    private static final SshLog log = SshLog.get(Pool.class);
    /** After a failed start, how long the refill thread waits before the next try. */
    private static final Duration RETRY = Duration.ofSeconds(5);
    /**
     * How long after a take leaves the pool short the refill thread waits before starting a
     * replacement: a JVM's start is half a second of CPU, which on a small machine would share the
     * cores with the set-up of the very session the take was for. A connection finding the pool
     * empty meanwhile starts its own (take), as it would while the replacement boots.
     */
    private static final long REFILL_DELAY_NANOS = Duration.ofMillis(500).toNanos();
    /**
     * How long a burst keeps the pool raised: its size in takes is kept per minute of the clock, this
     * many minutes, so a burst counts for between HOLD_MINUTES - 1 and HOLD_MINUTES minutes.
     */
    static final int HOLD_MINUTES = 10;
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    interface Starter<T> {
        /** Starts one process at this priority and returns it once it is ready for its connection or session. */
        T start(Priority priority) throws Exception;
    }

    interface Foreground<T> {
        /** Ends the background priority of a process the refill thread started. */
        void move(T t) throws Exception;
    }

    private final String kind;
    private final Starter<T> starter;
    private final Foreground<T> foreground;
    private final Consumer<T> discard;
    private final BlockingQueue<T> ready = new LinkedBlockingQueue<>();
    private volatile PoolSize size;
    /** Bumped by {@link #retire()}: a process whose start began under an older value is out of date. */
    private volatile long epoch;
    private volatile boolean stopped;
    /** System.nanoTime() when a take left the pool short, if it still is; guarded by this. */
    private long shortSince;
    private boolean isShort;
    /** Takes since the pool last held its target: what the current burst has taken; guarded by this. */
    private int sinceFull;
    /** The largest sinceFull of each of the last minutes, at minute % HOLD_MINUTES; guarded by this. */
    private final int[] burstOfMinute = new int[HOLD_MINUTES];
    private final long[] minuteAt = new long[HOLD_MINUTES];
    /** The target last logged, -1 before the first; guarded by this. */
    private int loggedTarget = -1;

    /** System.nanoTime, or a test's. */
    private final LongSupplier clock;

    /** discard ends a ready process that will never be used (the daemon stopping, a reload retiring it). */
    Pool(String kind, PoolSize size, Starter<T> starter, Foreground<T> foreground, Consumer<T> discard) {
        this(kind, size, starter, foreground, discard, System::nanoTime);
    }

    Pool(String kind, PoolSize size, Starter<T> starter, Foreground<T> foreground, Consumer<T> discard,
         LongSupplier clock) {
        this.clock = clock;
        this.kind = kind;
        this.size = size;
        this.starter = starter;
        this.foreground = foreground;
        this.discard = discard;
    }

    /**
     * Starts the first process here, so that what prevents it (a missing user, a broken
     * installation) stops the daemon with its reason instead of leaving it to retry forever;
     * the refill thread does the rest.
     */
    void fill() throws Exception {
        T first = starter.start(Priority.FOREGROUND);
        if (size.ready() > 0) {
            ready.add(first);
        } else {
            discard.accept(first);
        }
        startRefilling();
    }

    /** Starts the refill thread alone: for a pool a reload adds, whose failures are logged and retried. */
    void startRefilling() {
        Thread refill = new Thread(this::refill, kind + "-pool");
        refill.setDaemon(true);
        refill.start();
    }

    /** A ready process, never handed out twice: from the pool, or started now when it is empty. */
    T take() throws Exception {
        T t = ready.poll();
        synchronized (this) {
            long now = clock.getAsLong();
            if (!isShort) {
                isShort = true;
                shortSince = now;
            }
            sinceFull++;
            long minute = Math.floorDiv(now, MINUTE_NANOS);
            int at = (int) Math.floorMod(minute, HOLD_MINUTES);
            if (minuteAt[at] != minute) {
                minuteAt[at] = minute;
                burstOfMinute[at] = 0;
            }
            burstOfMinute[at] = Math.max(burstOfMinute[at], sinceFull);
            notifyAll();
        }
        if (t != null) {
            try {
                foreground.move(t);
                return t;
            } catch (Exception e) {
                log.error("cannot move a pre-started %s to the foreground: %s", kind, e.getMessage());
                discard.accept(t);
            }
        } else {
            log.verbose("no %s ready: starting one for this connection", kind);
        }
        return starter.start(Priority.FOREGROUND);
    }

    /** How many are ready now. */
    int ready() {
        return ready.size();
    }

    /**
     * How many it keeps ready now: the size's ready count, or the largest burst of the last
     * HOLD_MINUTES minutes, at most the size's most.
     */
    synchronized int target() {
        PoolSize s = size;
        return Math.max(s.ready(), Math.min(s.most(), largestBurst()));
    }

    /** What the largest burst of the last HOLD_MINUTES minutes took. Holds this. */
    private int largestBurst() {
        long minute = Math.floorDiv(clock.getAsLong(), MINUTE_NANOS);
        int burst = 0;
        for (int i = 0; i < HOLD_MINUTES; i++) {
            if (minute - minuteAt[i] < HOLD_MINUTES) {
                burst = Math.max(burst, burstOfMinute[i]);
            }
        }
        return burst;
    }

    /** What to keep ready from now on; those over the new target are ended. */
    synchronized void resize(PoolSize newSize) {
        size = newSize;
        shrinkTo(target());
        notifyAll();
    }

    /** Ends the ready processes over target. */
    private void shrinkTo(int target) {
        for (T t; ready.size() > target && (t = ready.poll()) != null; ) {
            discard.accept(t);
        }
    }

    /**
     * Ends every ready process, and any being started now once it is ready: they were started
     * with settings a reload changed. The refill thread starts their replacements.
     */
    synchronized void retire() {
        epoch++;
        for (T t; (t = ready.poll()) != null; ) {
            discard.accept(t);
        }
        wake();
    }

    /** Ends every ready process; the refill thread starts no more. */
    synchronized void stop() {
        stopped = true;
        for (T t; (t = ready.poll()) != null; ) {
            discard.accept(t);
        }
        wake();
    }

    private synchronized void wake() {
        notifyAll();
    }

    /** Logs the target at start and when it changes: after a burst, and when its minutes have passed. Holds this. */
    private void noteTarget(int target) {
        if (target != loggedTarget) {
            log.info("%s pool keeps %d ready (size %s; the largest burst of the last %d minutes took %d)",
                    kind, target, size, HOLD_MINUTES, largestBurst());
            loggedTarget = target;
        }
    }

    private void refill() {
        while (!stopped) {
            synchronized (this) {
                try {
                    int target;
                    while (ready.size() >= (target = target()) && !stopped) {
                        isShort = false;
                        sinceFull = 0;
                        noteTarget(target);
                        shrinkTo(target);
                        // A burst's minutes pass without a take: look again each minute.
                        wait(MINUTE_NANOS / 1_000_000);
                    }
                    noteTarget(target);
                    // Short because of a take: the replacement waits for the session's set-up.
                    long waited;
                    while (isShort && !stopped
                            && (waited = clock.getAsLong() - shortSince) < REFILL_DELAY_NANOS) {
                        wait(Math.max(1, (REFILL_DELAY_NANOS - waited) / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            long startedIn = epoch;
            try {
                T t = starter.start(Priority.BACKGROUND);
                synchronized (this) {
                    if (stopped || startedIn != epoch) {
                        discard.accept(t);
                    } else {
                        ready.add(t);
                    }
                }
            } catch (Exception e) {
                log.error("cannot pre-start a %s: %s", kind, e.getMessage());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
