// Processes: a child's exit status or killing signal, and waiting without blocking.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.sftp.posix.SysCallException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProcessesTest {
    @Test
    void anExitCodeIsReported() throws Exception {
        try (ShellChild child = ShellChild.start("exit 3")) {
            Processes.ExitStatus status = child.exit();
            assertEquals(new Processes.ExitStatus(child.pid, OptionalInt.of(3), OptionalInt.empty()), status);
            assertEquals("exited with status 3", status.describe());
        }
    }

    @Test
    void aRunningChildIsNotReapedByANonBlockingWaitAndAKillIsReported() throws Exception {
        try (ShellChild child = ShellChild.start("exec /bin/sleep 30")) {
            assertTrue(Processes.waitpid(child.pid, false).isEmpty(), "still running");
            Processes.kill(child.pid, 9);
            Processes.ExitStatus status = child.exit();
            assertEquals(OptionalInt.of(9), status.signal());
            assertEquals("killed by signal 9", status.describe());
        }
    }

    @Test
    void waitingForAProcessThatIsNotOurChildFailsWithEchild() {
        SysCallException e = assertThrows(SysCallException.class, () -> Processes.waitpid(1, false));
        assertEquals(10, e.errno(), e.getMessage());
    }

    @Test
    void anExitStatusHasExactlyOneOutcome() {
        assertThrows(IllegalArgumentException.class,
                () -> new Processes.ExitStatus(1, OptionalInt.of(0), OptionalInt.of(9)));
    }

    @Test
    void getpidIsThisJvm() {
        assertEquals(ProcessHandle.current().pid(), Processes.getpid());
    }
}
