// Processes started ahead of need, so that a connection or a session never waits for a JVM to boot; each is used once.
package dev.sftpd.server;

import dev.sftpd.log.SshLog;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/** One refill thread keeps {@code size} ready; a taker finding none starts one itself and waits for it. */
final class Pool<T> {
    private static final SshLog log = SshLog.get(Pool.class);
    /** After a failed start, how long the refill thread waits before the next try. */
    private static final Duration RETRY = Duration.ofSeconds(5);

    interface Starter<T> {
        /** Starts one process and returns it once it is ready for its connection or session. */
        T start() throws Exception;
    }

    private final String kind;
    private final int size;
    private final Starter<T> starter;
    private final Consumer<T> discard;
    private final BlockingQueue<T> ready = new LinkedBlockingQueue<>();
    private volatile boolean stopped;

    /** discard ends a ready process that will never be used (the daemon stopping). */
    Pool(String kind, int size, Starter<T> starter, Consumer<T> discard) {
        this.kind = kind;
        this.size = size;
        this.starter = starter;
        this.discard = discard;
    }

    /**
     * Starts the first process here, so that what prevents it (a missing user, a broken
     * installation) stops the daemon with its reason instead of leaving it to retry forever;
     * the refill thread does the rest.
     */
    void fill() throws Exception {
        T first = starter.start();
        if (size > 0) {
            ready.add(first);
        } else {
            discard.accept(first);
        }
        Thread refill = new Thread(this::refill, kind + "-pool");
        refill.setDaemon(true);
        refill.start();
    }

    /** A ready process, never handed out twice: from the pool, or started now when it is empty. */
    T take() throws Exception {
        T t = ready.poll();
        synchronized (this) {
            notifyAll();
        }
        if (t != null) {
            return t;
        }
        log.verbose("no %s ready: starting one for this connection", kind);
        return starter.start();
    }

    /** Ends every ready process; the refill thread starts no more. */
    void stop() {
        stopped = true;
        for (T t; (t = ready.poll()) != null; ) {
            discard.accept(t);
        }
    }

    private void refill() {
        while (!stopped) {
            synchronized (this) {
                while (ready.size() >= size && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            try {
                T t = starter.start();
                if (stopped) {
                    discard.accept(t);
                } else {
                    ready.add(t);
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
