// A JVM started with LogbackProvider's flags: SLF4J takes it without a word, and logs go where DefaultLogging sends them.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ch.qos.logback.classic.LoggerContext;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogbackProviderTest {
    /**
     * The child: logs one error and one line below the default level, then prints how many
     * status lines Logback's start-up left (its ContextInitializer reports each step).
     */
    public static final class Child {
        public static void main(String[] args) {
            SshLog log = SshLog.get(Child.class);
            log.error("an error: %d", 42);
            log.verbose("not shown before Logging.init");
            System.out.print(((LoggerContext) LoggerFactory.getILoggerFactory()).getStatusManager().getCount());
        }
    }

    @Test
    void slf4jTakesItQuietlyAndErrorsGoToStderr() throws Exception {
        String[] outErr = run(LogbackProvider.SYSTEM_PROPERTIES);

        assertEquals("0", outErr[0], "status lines: Logback's own start-up ran");
        // Nothing from SLF4J ("SLF4J(I): Attempting to load provider ...").
        assertEquals("an error: 42\r\n", outErr[1]);
    }

    /** Without the flags: Logback's provider, configured the same by DefaultLogging, after reporting its start-up. */
    @Test
    void withoutThemLogbacksStartUpRunsAndLogsTheSame() throws Exception {
        String[] outErr = run(List.of());

        assertNotEquals("0", outErr[0]);
        assertEquals("an error: 42\r\n", outErr[1]);
    }

    private static String[] run(List<String> flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        Process child = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
        byte[] out = child.getInputStream().readAllBytes();
        byte[] err = child.getErrorStream().readAllBytes();
        child.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, child.exitValue(), new String(err, StandardCharsets.UTF_8));
        return new String[] {new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8)};
    }
}
