// Waiting for something another process does: check every 50 ms, give up after 30 s.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

public final class Poll {
    /** Long enough for a worker JVM to start and finish its work on a busy two-core machine. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private Poll() {}

    /** Returns once {@code condition} holds; fails with {@code failure} (evaluated then) when the wait is over. */
    public static void until(BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure.get() + " (waited " + WAIT.toSeconds() + " s)");
            }
            pause();
        }
    }

    /** 50 ms, the step of every wait here. */
    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
