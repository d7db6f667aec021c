// Waiting for something another process does: check every 50 ms, give up after 30 s.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

final class Poll {
    /** Long enough for a worker JVM to start and finish its work on a busy two-core machine. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private Poll() {}

    /** Returns once {@code condition} holds; fails with {@code failure} (evaluated then) when the wait is over. */
    static void until(BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure.get() + " (waited " + WAIT.toSeconds() + " s)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
