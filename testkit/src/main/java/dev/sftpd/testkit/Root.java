// The one root check of every suite: tests that create users or run the privileged daemon skip, saying why, when not root.
package dev.sftpd.testkit;

import org.junit.jupiter.api.Assumptions;

public final class Root {
    private Root() {}

    /** Whether this test runs with effective uid 0 (CI does). */
    public static boolean isRoot() {
        return ProcFs.effectiveUid() == 0;
    }

    /** Skips the test, or the class from a {@code @BeforeAll}, unless root: "needs root: {@code why}". */
    public static void assume(String why) {
        Assumptions.assumeTrue(isRoot(), "needs root: " + why);
    }
}
